// survey.mjs -- surveys (issue 12): a leader makes a survey from the SIPAS questionnaire and
// opens it; a citizen on a cheap phone (360 px) answers through the public link: the SIPAS
// items appear only after "Có" to A1 (the small script; the server drops hidden answers anyway),
// no sideways scrolling, no serious axe-core violation, then the thank-you page; the leader
// reads the results with their SVG charts. Screenshots in /tmp/survey-*.png.
export default function ({ shot, test, assert, goto, login, norm, PASSWORD, AXE }) {
  async function axeClean(page, what) {
    await page.addScriptTag({ path: AXE });
    const bad = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    });
    assert(!bad.length, `${what}: accessibility: ${bad.join(', ')}`);
  }

  test('survey: a leader opens a SIPAS survey, a citizen answers it on a phone, the results draw charts', async ({ page, context }) => {
    await login(page, 'lanhdao1', PASSWORD);
    await goto(page, '/khao-sat');
    await page.locator('#title').fill('Khảo sát sự hài lòng quý IV');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Tạo khảo sát' }).click()]);
    assert(norm(await page.locator('h1').innerText()) === 'Khảo sát sự hài lòng quý IV', 'the builder opens on the new survey');
    await axeClean(page, 'builder');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Mở khảo sát (khóa câu hỏi)' }).click()]);
    const link = await page.locator('#tt-public-link').getAttribute('href');
    assert(link && link.includes('/ks/'), `the public link is shown: ${link}`);
    assert(await page.locator('svg.tt-qr').count() === 1, 'the QR code is drawn');
    const resultsUrl = new URL(page.url()).pathname + '/ket-qua';

    const citizen = await context.browser().newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN', bypassCSP: true });
    const phone = await citizen.newPage();
    await phone.goto(link);
    const item = phone.locator('[data-show-if]').filter({ hasText: 'Công chức có thái độ lịch sự' });
    assert(await item.isHidden(), 'a SIPAS item is hidden before A1 is answered');
    await phone.getByLabel('Có', { exact: true }).check();
    assert(await item.isVisible(), 'the SIPAS items appear after "Có"');
    await item.getByLabel('5 – Rất hài lòng').check();
    const sw = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert(sw <= 360, `the form scrolls sideways at 360 px (scrollWidth ${sw})`);
    await axeClean(phone, 'public form');
    await shot(phone, { path: '/tmp/survey-form-360.png', fullPage: true });
    await Promise.all([phone.waitForLoadState('load'), phone.getByRole('button', { name: 'Gửi ý kiến' }).click()]);
    assert(norm(await phone.locator('main').innerText()).includes('Phiếu đã được ghi nhận'), 'thanked after sending');
    await shot(phone, { path: '/tmp/survey-thanks-360.png' });
    await citizen.close();

    await goto(page, resultsUrl);
    assert(norm(await page.locator('#tt-responses').innerText()).includes('Số phiếu: 1'), 'one form counted');
    assert(await page.locator('svg.tt-chart').count() > 10, 'a chart per question');
    await axeClean(page, 'results');
    await shot(page, { path: '/tmp/survey-results.png', fullPage: true });
  }, { viewport: { width: 1280, height: 900 }, bypassCSP: true });
}
