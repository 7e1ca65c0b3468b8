// Criteria sets (src/assess/sets_web.c; tests/http/test_criteria.c has the rest): the province's
// administrator, with the keyboard only at 1366×768, starts a set from Bắc Giang's example,
// edits the bands of criterion 2.1 in the browser, saves it as version 2 and publishes it.
export default function ({ shot, test, assert, goto, PASSWORD, AXE }) {
  // Tab until the focused element satisfies pred (evaluated in the page); false if never.
  async function tabTo(page, pred, arg, max = 700) {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(pred, arg)) return true;
    }
    return false;
  }
  const focusedId = (id) => document.activeElement && document.activeElement.id === id;
  async function axe(page, what) {
    await page.addScriptTag({ path: AXE });
    const bad = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} at ${v.nodes[0].target.join(' ')}`);
    });
    assert(!bad.length, `${what} has axe violations: ${bad.join('; ')}`);
  }

  test('criteria: edit a criterion\'s bands and publish, keyboard only', async ({ page }) => {
    await goto(page, '/dang-nhap');
    await page.locator('#username').focus();
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname !== '/dang-nhap'), page.keyboard.press('Enter')]);

    await goto(page, '/danh-gia/bo-tieu-chi/moi');
    await axe(page, 'the new set page');
    await shot(page, { path: '/tmp/criteria-new.png', fullPage: true });
    const onExample = await tabTo(page, () => {
      const b = document.activeElement;
      return b && b.tagName === 'BUTTON' && b.form && b.form.mau && b.form.mau.value === 'criteria-bac-giang.json';
    });
    assert(onExample, 'Tab should reach "Dùng bộ này" of Bắc Giang\'s example');
    await Promise.all([page.waitForURL((u) => /^\/danh-gia\/bo-tieu-chi\/\d+$/.test(u.pathname)), page.keyboard.press('Enter')]);
    const v1 = new URL(page.url()).pathname;
    assert((await page.locator('#tt-set-status').innerText()).includes('Bản nháp'), 'the copy should be a draft');

    assert(await tabTo(page, () => document.activeElement && /\/sua$/.test(document.activeElement.getAttribute('href') || '')),
      'Tab should reach the edit link');
    await Promise.all([page.waitForURL((u) => u.pathname === `${v1}/sua`), page.keyboard.press('Enter')]);

    // 2.1 is the second criterion (c1): computed by bands, so its bands show; an entered
    // criterion's bands are hidden and Tab passes them by
    assert(await page.locator('#c0_b0_at').isHidden(), 'an entered criterion should not show bands (progressive JS)');
    assert(await tabTo(page, focusedId, 'c1_b0_at', 80), 'Tab should reach the first band of 2.1');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('97');
    await page.keyboard.press('Tab');
    assert(await page.evaluate(focusedId, 'c1_b0_pts'), 'Tab from the threshold should reach its points');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('7,5');
    await axe(page, 'the editor');
    await shot(page, { path: '/tmp/criteria-edit.png' });

    assert(await tabTo(page, focusedId, 'tt-save'), 'Tab should reach "Lưu thành bản nháp mới"');
    await Promise.all([page.waitForURL((u) => /^\/danh-gia\/bo-tieu-chi\/\d+$/.test(u.pathname) && u.pathname !== v1),
      page.keyboard.press('Enter')]);
    const body = await page.locator('main').innerText();
    assert(body.includes('Đã lưu thành bản nháp mới.'), 'saving should say a new draft was made');
    assert(body.includes('phiên bản 2'), 'the saved set should be version 2');
    const rule = await page.locator('[data-rule="2.1"]').innerText();
    assert(rule.includes('≥ 97% được 7,5 điểm'), `2.1's rule should read the new band, is: ${rule}`);

    assert(await tabTo(page, focusedId, 'tt-publish'), 'Tab should reach "Ban hành"');
    await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
    await page.waitForFunction(() => document.querySelector('#tt-set-status') &&
      document.querySelector('#tt-set-status').innerText.includes('Đang áp dụng'));
    assert(await page.locator('#tt-publish').count() === 0, 'a published set has no publish button');
    await axe(page, 'the set page');
    await shot(page, { path: '/tmp/criteria-published.png' });

    // version 1 is still the draft it was
    await goto(page, v1);
    assert((await page.locator('#tt-set-status').innerText()).includes('Bản nháp'), 'version 1 should stay a draft');
    const old = await page.locator('[data-rule="2.1"]').innerText();
    assert(old.includes('≥ 98% được 8 điểm'), `version 1's rule should be unchanged, is: ${old}`);
  }, { viewport: { width: 1366, height: 768 }, bypassCSP: true });
}
