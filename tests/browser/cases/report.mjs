// The reports on the model and the province's targets in a browser (tests/http/test_report.c has
// the figures, files and refusals): the commune's leader writes the report's first part from the
// keyboard and reads it back on the page; the provincial assessor reads the targets dashboard
// with its chart; axe finds nothing serious on either page.
export default function ({ shot, test, assert, goto, login, norm, PASSWORD, AXE }) {
  async function axeClean(page, what) {
    await page.addScriptTag({ path: AXE });
    const bad = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} at ${v.nodes[0].target.join(' ')}`);
    });
    assert(!bad.length, `${what} has axe violations: ${bad.join('; ')}`);
  }

  test('report: the leader writes the 6-month report from the keyboard and reads it back', async ({ page }) => {
    await login(page, 'lanhdao1', PASSWORD);
    await goto(page, '/bao-cao?ky=6t');
    await axeClean(page, 'the report page');
    const text = 'Ban hành Kế hoạch số 21/KH-UBND, thành lập Ban Chỉ đạo xây dựng chính quyền thân thiện.';
    await page.locator('#p-leadership').focus();
    await page.keyboard.type(text);
    await Promise.all([page.waitForURL((u) => u.pathname === '/bao-cao' && u.searchParams.get('da_luu') === '1'),
      page.getByRole('button', { name: 'Lưu nội dung' }).click()]);
    const main = norm(await page.locator('main').innerText());
    assert(main.includes('Đã lưu nội dung báo cáo.'), `a saved banner: ${main.slice(0, 200)}`);
    assert(norm(await page.locator('#tt-part-leadership').innerText()).includes('Kế hoạch số 21/KH-UBND'), 'the written part on the page');
    assert(main.includes('Giải quyết thủ tục hành chính') && main.includes('Hồ sơ tiếp nhận'), 'the figures tables');
    await shot(page, { path: '/tmp/report-6t.png', fullPage: true });
  }, { locale: 'vi-VN', viewport: { width: 1366, height: 768 }, bypassCSP: true });

  test('report: the assessor reads the targets dashboard and the roll-up', async ({ page }) => {
    await login(page, 'thamdinh', PASSWORD);
    await goto(page, '/muc-tieu?don_vi=19&nam=2026');
    const main = norm(await page.locator('main').innerText());
    assert(main.includes('154-KH/HU') && main.includes('Đạt chuẩn mức độ 1 trở lên'), `the targets: ${main.slice(0, 300)}`);
    assert(await page.locator('#tt-targets-chart').count() === 1, 'the chart drawn on the server');
    await axeClean(page, 'the targets dashboard');
    await goto(page, '/bao-cao/tong-hop?don_vi=19&nam=2026&ky=6t');
    const roll = norm(await page.locator('#tt-rollup').innerText());
    assert(roll.includes('Phường Phan Đình Phùng') && roll.includes('Tổng cộng'), `the roll-up: ${roll.slice(0, 300)}`);
    await axeClean(page, 'the roll-up');
    await shot(page, { path: '/tmp/report-targets.png', fullPage: true });
  }, { locale: 'vi-VN', viewport: { width: 1366, height: 768 }, bypassCSP: true });
}
