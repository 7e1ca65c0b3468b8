// The yearly assessment cycle from the keyboard at 1366×768 (tests/http/test_cycle.c has the
// rules): the commune's leader fills what the demo's draft left empty, saves and signs it off;
// the province's assessor finds it first on the appraisal list, appraises it criterion by
// criterion, recognises it with a decision number and date, and the decision prints.
// Needs the demo's cycles (thanthien demo with the shipped criteria sets).
export default function ({ shot, test, assert, goto, norm, PASSWORD, AXE }) {
  const view = { viewport: { width: 1366, height: 768 }, bypassCSP: true };

  async function keyboardLogin(page, user) {
    await goto(page, '/dang-nhap');
    await page.locator('#username').focus();
    await page.keyboard.type(user);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
  }

  // Focus an element and press Enter; waits for the page the form posts to.
  async function enterOn(page, locator) {
    await locator.focus();
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
  }

  async function axeClean(page, what) {
    await page.addScriptTag({ path: AXE });
    const bad = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} at ${v.nodes[0].target.join(' ')}`);
    });
    assert(!bad.length, `${what} has axe violations: ${bad.join('; ')}`);
  }

  test('cycle: the leader fills the self-assessment and signs it off, by keyboard', async ({ page }) => {
    await keyboardLogin(page, 'lanhdao1');
    await goto(page, '/tu-danh-gia');
    assert(/^\/tu-danh-gia\/\d+$/.test(new URL(page.url()).pathname), `the commune's page should open this year's cycle, is ${page.url()}`);
    assert(norm(await page.locator('#tt-status').innerText()) === 'Đang tự chấm', 'the demo leaves this year\'s cycle of Phan Đình Phùng in draft');
    await shot(page, { path: '/tmp/cycle-1-draft.png' });
    // every criterion still without points: its maximum, and a note on the evidence
    const empty = page.locator('#tt-self-form input.govuk-input[name^="p_"]');
    let filled = 0;
    for (let i = 0; i < await empty.count(); i++) {
      const input = empty.nth(i);
      if (await input.inputValue()) continue;
      const max = norm(await input.locator('xpath=ancestor::tr/td[2]').innerText());
      await input.focus();
      await page.keyboard.type(max);
      await page.keyboard.press('Tab');
      await page.keyboard.type('Báo cáo kết quả năm, có ảnh chụp kèm theo.');
      filled++;
    }
    assert(filled >= 1, 'the demo draft should leave a criterion to fill');
    // the total follows the typing before anything is saved
    const live = norm(await page.locator('#tt-live-total').innerText());
    assert(live && live !== norm(await page.locator('#tt-self-total').innerText()), `the live total should move with the points typed, is ${live}`);
    await enterOn(page, page.locator('#tt-save'));
    assert(page.url().includes('xong=cham'), `saving should come back to the cycle, is ${page.url()}`);
    assert(await page.locator('#tt-missing').count() === 0, 'no criterion should be left without points');
    await axeClean(page, 'the self-assessment page');
    // the sign-off: the proposed level is the one the score reaches, chosen already
    const total = norm(await page.locator('#tt-self-total').innerText());
    await page.locator('#tt-sign-form').scrollIntoViewIfNeeded();
    await shot(page, { path: '/tmp/cycle-2-sign.png' });
    await enterOn(page, page.locator('#tt-sign'));
    assert(norm(await page.locator('#tt-status').innerText()) === 'Đã ký gửi, chờ thẩm định', 'signed off: submitted');
    assert(norm(await page.locator('#tt-signed').innerText()).includes('Phạm Văn Lãnh Đạo'), 'the sign-off names the leader');
    assert(await page.locator('#tt-self-form').count() === 0, 'a submitted self-assessment is locked');
    assert(norm(await page.locator('#tt-self-total').innerText()) === total, 'the total signed is the total shown');
    await shot(page, { path: '/tmp/cycle-3-submitted.png' });
  }, view);

  test('cycle: the assessor appraises and recognises it, by keyboard', async ({ page }) => {
    await keyboardLogin(page, 'thamdinh');
    await goto(page, '/tham-dinh');
    const first = page.locator('#tt-cycles tbody tr').first();
    assert(norm(await first.locator('td').nth(1).innerText()) === 'Đã ký gửi, chờ thẩm định', 'submitted cycles come first on the list');
    await axeClean(page, 'the appraisal list');
    await shot(page, { path: '/tmp/cycle-4-list.png' });
    let link = page.locator('#tt-cycles tbody tr', { hasText: 'Phường Phan Đình Phùng' }).filter({ hasText: 'chờ thẩm định' }).locator('a');
    if (await link.count() === 0) link = first.locator('a');
    await enterOn(page, link.first());
    assert(await page.locator('#tt-appraise-form').count() === 1, 'the assessor sees the appraisal form');
    assert(await page.locator('#tt-self-form').count() === 0, 'the assessor cannot change the commune\'s points');
    // points per criterion: the maximum as the council checked it, one marked down with a comment
    const inputs = page.locator('#tt-appraise-form input[name^="a_"]');
    const n = await inputs.count();
    for (let i = 0; i < n; i++) {
      const input = inputs.nth(i);
      const row = norm(await input.locator('xpath=ancestor::tr/td[1]').innerText());
      const max = Number((row.match(/tối đa ([\d,]+)/) || [])[1]?.replace(',', '.'));
      await input.focus();
      await page.keyboard.press('Control+A');
      await page.keyboard.type(String(i === 0 ? max - 1 : max).replace('.', ','));
      if (i === 0) {
        await page.keyboard.press('Tab');
        await page.keyboard.type('Thiếu ảnh chụp bảng niêm yết.');
      }
    }
    await enterOn(page, page.locator('#tt-appraise'));
    assert(page.url().includes('xong=tham-dinh'), `saving the appraisal should come back, is ${page.url()}`);
    const level = norm(await page.locator('#tt-appraisal-level').innerText());
    assert(/Mức độ|sao/.test(level), `full points but one should reach a level, is ${level}`);
    // the decision: number and date typed, the level the score reaches chosen already
    const d = new Date();
    const today = `${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}/${d.getFullYear()}`;
    await page.locator('#decision_no').focus();
    await page.keyboard.type('88/QĐ-UBND');
    await page.locator('#decision_date').focus();
    await page.keyboard.type(today);
    await page.locator('#tt-recognise-form').scrollIntoViewIfNeeded();
    await shot(page, { path: '/tmp/cycle-5-appraise.png' });
    await enterOn(page, page.locator('#tt-recognise'));
    assert(norm(await page.locator('#tt-status').innerText()) === 'Đã công nhận', 'recognised');
    const rec = norm(await page.locator('#tt-recognised').innerText());
    assert(rec.includes(level) && rec.includes('88/QĐ-UBND') && rec.includes(today), `the recognition shows level, number and date: ${rec}`);
    assert(await page.locator('#tt-appraise-form').count() === 0, 'a recognised cycle takes no more appraisal');
    await axeClean(page, 'the recognised cycle');
    await shot(page, { path: '/tmp/cycle-6-recognised.png', fullPage: true });
    const href = await page.locator('#tt-decision-pdf').getAttribute('href');
    const pdf = await page.context().request.get(href);
    assert(pdf.status() === 200 && pdf.headers()['content-type'] === 'application/pdf', `the decision should print, got ${pdf.status()}`);
    const body = await pdf.body();
    assert(body.subarray(0, 5).toString() === '%PDF-', 'the decision is a PDF');
  }, view);
}
