// Citizen reception and dialogues in a browser (tests/http/test_reception.c has the rest): an
// officer records a citizen received by the chairman from the keyboard, the reception page
// offers its conclusion and the turn into a feedback case; the public schedule and a published
// dialogue read well on a 360 px phone; axe finds nothing serious on any of them.
export default function ({ shot, test, assert, goto, login, norm, PASSWORD, AXE }) {
  async function axeClean(page, what) {
    await page.addScriptTag({ path: AXE });
    const bad = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} at ${v.nodes[0].target.join(' ')}`);
    });
    assert(!bad.length, `${what} has axe violations: ${bad.join('; ')}`);
  }

  test('reception: the officer records a reception, then sees its conclusion and turn-into-case forms', async ({ page }) => {
    await login(page, 'canbo1', PASSWORD);
    await goto(page, '/tiep-cong-dan/moi?don_vi=05443');
    await axeClean(page, 'the new reception form');
    await page.locator('#session').selectOption('periodic');
    await page.locator('#citizen_name').fill('Ngô Thị Thanh Hà');
    await page.locator('#id_number').fill('019188004321');
    await page.locator('#address').fill('Tổ 8, phường Phan Đình Phùng');
    await page.locator('#kind').selectOption('kien_nghi');
    await page.locator('#content').fill('Kiến nghị sửa cống thoát nước trước nhà văn hóa tổ 8');
    await Promise.all([page.waitForURL((u) => /^\/tiep-cong-dan\/\d+$/.test(u.pathname)),
      page.getByRole('button', { name: 'Ghi vào sổ' }).click()]);
    const main = norm(await page.locator('main').innerText());
    assert(main.includes('Ngô Thị Thanh Hà') && main.includes('Chủ tịch tiếp định kỳ'), `the reception page: ${main.slice(0, 300)}`);
    assert(main.includes('không phải nhập lại'), 'the reception page should offer the turn into a case without retyping');
    await axeClean(page, 'the reception page');
    await shot(page, { path: '/tmp/reception-show.png', fullPage: true });
  }, { locale: 'vi-VN', viewport: { width: 1280, height: 900 }, bypassCSP: true });

  test('reception: the public schedule and a published dialogue on a 360 px phone', async ({ page }) => {
    await goto(page, '/don-vi/05602/lich-tiep-dan');
    const text = norm(await page.locator('main').innerText());
    assert(text.includes('Thứ Ba hằng tuần'), `the schedule should show the weekly day: ${text.slice(0, 300)}`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(width <= 360, `the schedule is ${width}px wide on a 360px screen`);
    await axeClean(page, 'the public schedule');
    await goto(page, '/don-vi/05602/doi-thoai');
    const link = page.locator('main a[href^="/doi-thoai/"]', { hasText: 'Hội nghị đối thoại' }).first();
    await Promise.all([page.waitForURL((u) => /^\/doi-thoai\/\d+$/.test(u.pathname)), link.click()]);
    const dl = norm(await page.locator('main').innerText());
    assert(dl.includes('Biên bản') && dl.includes('Đã giải quyết'), `the published dialogue: ${dl.slice(0, 300)}`);
    await axeClean(page, 'the published dialogue');
    await shot(page, { path: '/tmp/reception-dialogue-360.png', fullPage: true });
  }, { locale: 'vi-VN', viewport: { width: 360, height: 740 }, bypassCSP: true });
}
