// Letters as users first meet them (tests/http/test_letters.c has the rest): the applicant's
// sex is asked at intake, the result form asks whom a death registration is about, and the
// condolence then says "Bà" of the woman who died instead of "ông/bà".
export default function ({ shot, test, assert, goto, login, norm, PASSWORD, AXE }) {
  test('letters2: intake asks Ông or Bà, the result names the deceased, the condolence says Bà', async ({ page }) => {
    await login(page, 'canbo1', PASSWORD);
    const found = await (await page.context().request.get('/api/v1/procedures?don_vi=05443&q=1.000656')).json();
    const death = found.items.find((p) => p.code === '1.000656');
    assert(death, 'the demo catalogue should have the death registration 1.000656');
    await goto(page, `/tiep-nhan?thu_tuc=${death.id}`);
    const legend = page.locator('legend', { hasText: 'Giới tính (như trên thẻ căn cước)' });
    assert(await legend.count() === 1, 'the intake form should ask the applicant\'s sex');
    await page.locator('#applicant_name').fill('Phan Thị Thu Thảo');
    await page.locator('#applicant_phone').fill('0912 888 777');
    await page.locator('#applicant_address').fill('Tổ 3, phường Phan Đình Phùng');
    await page.getByLabel('Nữ', { exact: true }).check();
    await shot(page, { path: '/tmp/letters2-intake.png', fullPage: true });
    await Promise.all([page.waitForURL((u) => /^\/ho-so\/\d+$/.test(u.pathname)),
      page.getByRole('button', { name: 'Tiếp nhận và cấp giấy hẹn' }).click()]);
    const dossier = new URL(page.url()).pathname;
    // the result form asks whom the result names; a dossier just received has it folded
    // (its one open action is the hand-over), so the officer opens it from the keyboard
    const fold = page.locator('summary', { hasText: 'Đã có kết quả' });
    if (await fold.count()) {
      await fold.focus();
      await page.keyboard.press('Enter');
    }
    const details = page.locator('#tt-letter-details');
    assert(await details.isVisible(), 'the "result ready" form of a death registration should ask about the deceased');
    await page.getByLabel('Họ và tên người đã mất').fill('Trần Thị Mai');
    await page.locator('#result_person_sex_female').check();
    const day = new Date(Date.now() - 3 * 86400000);
    const typed = `${String(day.getDate()).padStart(2, '0')}/${String(day.getMonth() + 1).padStart(2, '0')}/${day.getFullYear()}`;
    await page.getByLabel('Ngày mất').fill(typed);
    await page.addScriptTag({ path: AXE });
    const bad = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} at ${v.nodes[0].target.join(' ')}`);
    });
    assert(!bad.length, `the dossier page with the letter details has axe violations: ${bad.join('; ')}`);
    await shot(page, { path: '/tmp/letters2-finish.png', fullPage: true });
    await Promise.all([page.waitForURL((u) => u.pathname === dossier),
      page.getByRole('button', { name: 'Ghi nhận có kết quả' }).click()]);
    // the condolence letter proposed with it
    await goto(page, '/thu?loai=condolence&trang_thai=proposed&q=phan+thi+thu+thao');
    const link = page.locator('table.tt-letters tbody a').first();
    assert(await link.count() === 1, 'the finished death registration should propose a condolence letter');
    await Promise.all([page.waitForURL((u) => /^\/thu\/\d+$/.test(u.pathname)), link.click()]);
    const words = norm(await page.locator('.tt-letter').innerText());
    assert(words.includes('Kính gửi: Gia đình Bà Phan Thị Thu Thảo'), `the greeting should say Bà, is: ${words.slice(0, 200)}`);
    assert(words.includes('Cầu mong Bà Trần Thị Mai được yên nghỉ'), `the prayer should name the deceased as Bà, is: ${words}`);
    assert(!/ông\/bà/i.test(words) && !words.includes('………'), `the letter should read as filled in: ${words}`);
    await shot(page, { path: '/tmp/letters2-letter.png', fullPage: true });
  }, { locale: 'vi-VN', viewport: { width: 1280, height: 900 }, bypassCSP: true });
}
