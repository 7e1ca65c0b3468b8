// The public booking on a phone (360x740): the place is held, the citizen types the SMS code
// (read here from the desk's outbox page, as the SMS would bring it), and only then is it booked.
export default function ({ shot, test, assert, goto, login, norm, PASSWORD, AXE }) {
  test('booking on a phone: hold, SMS code, booked', async ({ page, context }) => {
    await goto(page, '/dat-lich?don_vi=05602&q=khai+sinh');
    await Promise.all([page.waitForLoadState('load'), page.locator('ul.tt-results li a').first().click()]);
    // the second open day, so that no slot begins during the test
    const days = page.locator('ul.govuk-list li a');
    await Promise.all([page.waitForLoadState('load'), days.first().click()]);
    await page.locator('input[name="time"]:not([disabled])').first().check();
    await page.locator('#name').fill('Trần Thị Mai');
    await page.locator('#phone').fill('0912 888 777');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Đặt lịch' }).click()]);
    assert(norm(await page.locator('h1').innerText()) === 'Nhập mã xác nhận', 'the hold asks for the SMS code');
    const body = norm(await page.locator('main').innerText());
    assert(body.includes('********77'), `only two digits of the phone are shown: ${body.slice(0, 300)}`);
    assert(!body.includes('0912888777'), 'the phone is not shown in full before the code');
    const code = (body.match(/DL-[0-9A-Z]{6}/) || [])[0];
    assert(code, 'the booking code is on the page');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(width <= 360, `no horizontal scrolling at 360 px (page is ${width} px wide)`);
    await shot(page, { path: '/tmp/booking-hold-360.png', fullPage: true });
    await page.addScriptTag({ path: AXE });
    const bad = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    });
    assert(!bad.length, `accessibility: ${bad.join(', ')}`);

    // the SMS, as the desk's outbox page shows it
    const desk = await context.browser().newContext({ baseURL: new URL(page.url()).origin, viewport: { width: 1280, height: 900 } });
    const dp = await desk.newPage();
    await login(dp, 'canbo2', PASSWORD);
    await goto(dp, '/thong-bao?don_vi=05602');
    const outbox = await dp.locator('main').innerText();
    const line = outbox.split('\n').find((l) => l.includes(code)) || '';
    const sms = (line.slice(line.indexOf(code) + code.length).match(/\d{6}/) || [])[0];
    assert(sms, `the SMS with the code is in the outbox: ${line}`);
    await desk.close();

    await page.locator('#sms_code').fill(sms);
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Xác nhận lịch hẹn' }).click()]);
    assert(norm(await page.locator('h1').innerText()).includes('Đã đặt lịch hẹn'), 'booked after the code');
    await shot(page, { path: '/tmp/booking-done-360.png', fullPage: true });
  }, { locale: 'vi-VN', viewport: { width: 360, height: 740 }, bypassCSP: true });

  test('desk cancels a flood of holds by phone number', async ({ page, context }) => {
    // two holds by one phone on the second open day
    const made = [];
    let date = '';
    for (let i = 0; i < 2; i++) {
      await goto(page, '/dat-lich?don_vi=05602&q=khai+sinh');
      await Promise.all([page.waitForLoadState('load'), page.locator('ul.tt-results li a').first().click()]);
      await Promise.all([page.waitForLoadState('load'), page.locator('ul.govuk-list li a').nth(1).click()]);
      date = new URL(page.url()).searchParams.get('ngay');
      await page.locator('input[name="time"]:not([disabled])').nth(i + 2).check();
      await page.locator('#name').fill('Người Đặt Tràn Lan');
      await page.locator('#phone').fill('0966 555 444');
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Đặt lịch' }).click()]);
      made.push((norm(await page.locator('main').innerText()).match(/DL-[0-9A-Z]{6}/) || [])[0]);
    }
    assert(made.every(Boolean), 'both holds made');
    await context.clearCookies();
    await login(page, 'canbo2', PASSWORD);
    await goto(page, `/lich-hen?don_vi=05602&ngay=${date}`);
    await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: /Hủy nhiều lịch hẹn/ }).click()]);
    await page.locator('#sdt').fill('0966555444');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Lọc' }).click()]);
    const list = norm(await page.locator('main').innerText());
    for (const code of made) assert(list.includes(code), `${code} is in the filtered list`);
    await page.locator('#ly_do').fill('Một số điện thoại giữ nhiều chỗ');
    await shot(page, { path: '/tmp/booking-flood.png', fullPage: true });
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Hủy các lịch hẹn đã chọn' }).click()]);
    const after = norm(await page.locator('main').innerText());
    assert(after.includes('Số lịch hẹn đã hủy: 2'), `the queue says how many were cancelled: ${after.slice(0, 300)}`);
  }, { locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
}
