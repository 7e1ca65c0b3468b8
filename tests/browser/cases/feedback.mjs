// feedback.mjs -- the citizen's voice (src/feedback): a citizen sends a suggestion from the
// keyboard on a phone and follows it by code and secret; the staff's pages and the public ones
// have no serious axe violations. Screenshots in /tmp/feedback-*.png.
export default function ({ shot, test, assert, goto, login, norm, PASSWORD, AXE }) {
  async function axeBad(page, urls) {
    const bad = [];
    for (const url of urls) {
      await goto(page, url);
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, target: v.nodes[0] && v.nodes[0].target.join(' ') }));
      });
      for (const v of violations) if (v.impact === 'serious' || v.impact === 'critical') bad.push(`${url}: ${v.id} at ${v.target}`);
    }
    return bad;
  }

  test('feedback: a suggestion sent from the keyboard on a phone, then followed by code and secret', async ({ page }) => {
    await goto(page, '/gop-y?don_vi=05443');
    await page.locator('#content').focus();
    await page.keyboard.type('Đề nghị lắp thêm ghế chờ ở bộ phận một cửa.');
    await page.locator('#consent').focus();
    await page.keyboard.press('Space');
    await shot(page, { path: '/tmp/feedback-form.png', fullPage: true });
    await Promise.all([page.waitForLoadState('load'), page.locator('button[type=submit]').press('Enter')]);
    const code = norm(await page.locator('#tt-code').innerText());
    const secret = norm(await page.locator('#tt-secret').innerText());
    assert(/^05443-GY\d{6}-\d{3}$/.test(code), `a suggestion's code: "${code}"`);
    assert(/^[2-9A-Z]{6}$/.test(secret), `the lookup secret: "${secret}"`);
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(sw <= 360, `the confirmation scrolls sideways at 360 px (${sw})`);
    await shot(page, { path: '/tmp/feedback-done.png', fullPage: true });
    await goto(page, '/gop-y/tra-cuu');
    await page.locator('#ma').fill(code.toLowerCase());
    await page.locator('#bm').fill(secret.toLowerCase());
    await Promise.all([page.waitForLoadState('load'), page.locator('#bm').press('Enter')]);
    const status = norm(await page.locator('.tt-status').innerText());
    assert(status === 'Đã tiếp nhận', `status on the tracking page: "${status}"`);
    await shot(page, { path: '/tmp/feedback-track.png', fullPage: true });
  }, { viewport: { width: 360, height: 740 } });

  test('feedback public pages: no serious axe violations', async ({ page }) => {
    const bad = await axeBad(page, ['/gop-y', '/gop-y/tra-cuu', '/gop-y/cong-khai?don_vi=05443']);
    assert(!bad.length, bad.join('; '));
  }, { bypassCSP: true });

  test('feedback staff lists: no serious axe violations', async ({ page }) => {
    await login(page, 'canbo1', PASSWORD);
    const bad = await axeBad(page, ['/phan-anh', '/phan-anh/han', '/phan-anh/thoi-han']);
    assert(!bad.length, bad.join('; '));
  }, { bypassCSP: true });

  test('feedback case and desk form: no serious axe violations', async ({ page }) => {
    await login(page, 'canbo1', PASSWORD);
    await goto(page, '/phan-anh');
    const first = page.locator('tbody a[href^="/phan-anh/"]').first();
    assert(await first.count() === 1, 'the demo should have feedback cases in /phan-anh');
    const href = await first.getAttribute('href');
    const bad = await axeBad(page, [href, '/phan-anh/moi']);
    await goto(page, href);
    await shot(page, { path: '/tmp/feedback-case.png', fullPage: true });
    assert(!bad.length, bad.join('; '));
  }, { bypassCSP: true });
}
