// desk.mjs -- the one-stop desk by keyboard at 1366x768: the dashboard's counters, an intake
// whose errors are listed together and focused, the "all received" shortcut, and the dossier
// page with one primary action and the rest folded.
export default function ({ shot, test, assert, goto, login, norm, PASSWORD, AXE }) {
  // serious or critical axe-core violations of the page as it stands
  async function axe(page, where) {
    await page.addScriptTag({ path: AXE });
    const v = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')
        .map((x) => `${x.id} at ${x.nodes[0] && x.nodes[0].target.join(' ')}`);
    });
    assert(!v.length, `${where}: ${v.join('; ')}`);
  }

  test('desk: counters, intake errors all at once, papers, one primary action', async ({ page }) => {
    await login(page, 'canbo1', PASSWORD);
    await goto(page, '/bang-dieu-khien');
    const counts = await page.$$eval('.tt-count', (els) => els.map((e) => ({ id: e.id, text: e.innerText.replace(/\s+/g, ' ').trim(), href: e.querySelector('a').getAttribute('href') })));
    // the desk's five, and the citizen's voice: cases open and cases past their deadline
    assert(counts.length === 7, `the desk officer should see 7 counters, saw ${JSON.stringify(counts)}`);
    const voice = counts.find((c) => c.id === 'tt-count-feedback-late');
    assert(voice && voice.href === '/phan-anh/han', `no overdue feedback counter: ${JSON.stringify(voice)}`);
    const mine = counts.find((c) => c.id === 'tt-count-mine');
    assert(mine && /^\d+ /.test(mine.text) && mine.href === '/ho-so/cho-xu-ly', `no inbox counter: ${JSON.stringify(mine)}`);
    await shot(page, { path: '/tmp/desk-dashboard.png' });
    await axe(page, 'dashboard');

    // intake: choose a procedure by keyboard, type bad phone and ID, submit
    await goto(page, '/tiep-nhan');
    await page.keyboard.type('khai sinh');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('thu_tuc')), page.keyboard.press('Enter')]);
    // the form puts the cursor in the name once it has loaded: type only then
    await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'applicant_name');
    await page.keyboard.type('Lê Văn Tám');
    await page.keyboard.press('Tab');
    await page.keyboard.type('12345');
    await page.keyboard.press('Tab');
    await page.keyboard.type('0191');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Tổ 3, phường Phan Đình Phùng');
    await Promise.all([page.waitForLoadState('domcontentloaded'), page.waitForResponse((r) => r.url().endsWith('/ho-so')), page.keyboard.press('Enter')]);
    await page.waitForSelector('.govuk-error-summary');
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.className);
    assert(String(focused).includes('govuk-error-summary'), `after an error, focus should be on the summary, was "${focused}"`);
    const links = await page.$$eval('.govuk-error-summary__list a', (as) => as.map((a) => a.getAttribute('href')));
    assert(links.includes('#applicant_phone') && links.includes('#applicant_id_number'), `every error should be listed with a link, got ${JSON.stringify(links)}`);
    assert(await page.inputValue('#applicant_name') === 'Lê Văn Tám', 'the name typed should still be there');
    await axe(page, 'intake with errors');
    await page.focus('.govuk-error-summary');
    // the link leads to the field; fix the two
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const onField = await page.evaluate(() => document.activeElement && document.activeElement.id);
    assert(onField === 'applicant_phone', `the first error link should move to the phone field, at #${onField}`);
    await page.fill('#applicant_phone', '0987 111 222');
    await page.fill('#applicant_id_number', '019300004321');
    // nothing ticked yet; "all received" by keyboard ticks every paper
    const before = await page.$$eval('.tt-paper input[type=checkbox]', (cs) => cs.filter((c) => c.checked).length);
    assert(before === 0, `no paper should be ticked before they are seen, ${before} were`);
    await page.focus('#all_papers');
    await page.keyboard.press('Space');
    const after = await page.$$eval('.tt-paper input[type=checkbox]', (cs) => cs.every((c) => c.checked));
    assert(after, '"all received" should tick every paper');
    await page.focus('#paper_1_kind');
    await page.keyboard.press('ArrowDown');   // Bản sao
    await shot(page, { path: '/tmp/desk-intake.png', fullPage: true });
    await page.focus('#applicant_name');
    await Promise.all([page.waitForURL((u) => /^\/ho-so\/\d+$/.test(u.pathname)), page.keyboard.press('Enter')]);
    const papers = norm(await page.locator('#tt-papers').innerText());
    assert(papers.includes('Bản chính') && papers.includes('Bản sao'), `the page should show the papers and their kinds, shows "${papers}"`);
    // one primary action, the others folded
    const primary = await page.$$eval('.tt-actions .govuk-button:not(.govuk-button--secondary):not(.govuk-button--warning)', (bs) => bs.filter((b) => b.offsetParent !== null).map((b) => b.innerText.trim()));
    assert(primary.length === 1, `one primary action should show, saw ${JSON.stringify(primary)}`);
    const folded = await page.$$eval('.tt-actions details', (ds) => ds.map((d) => d.open));
    assert(folded.length >= 3 && folded.every((o) => !o), `the other actions should be folded, got ${JSON.stringify(folded)}`);
    const refuseVisible = await page.locator('#refuse_reason').isVisible();
    assert(!refuseVisible, 'refusal should not be out in the open right after intake');
    const to = norm(await page.locator('#to_user_id option:checked').innerText());
    assert(!to.includes('Thanh Tra') && !to.includes('Một Cửa'), `the hand-over should default to a specialist, was "${to}"`);
    await page.locator('.tt-actions').scrollIntoViewIfNeeded();
    await shot(page, { path: '/tmp/desk-dossier.png' });
    await axe(page, 'dossier page');
    // a folded action opens by keyboard and keeps what was typed after an error
    await page.focus('.tt-actions details:has(#apology_reason) summary');
    await page.keyboard.press('Enter');
    await page.focus('#apology_reason');
    await page.keyboard.type('Chờ xác minh');
    await Promise.all([page.waitForLoadState('domcontentloaded'), page.waitForResponse((r) => r.url().endsWith('/xin-loi')), page.keyboard.press('Enter')]);
    await page.waitForSelector('.govuk-error-summary');
    assert(await page.inputValue('#apology_reason') === 'Chờ xác minh', 'the apology reason should be kept after an error');
    await shot(page, { path: '/tmp/desk-apology-error.png' });
  }, { viewport: { width: 1366, height: 768 }, bypassCSP: true });
}
