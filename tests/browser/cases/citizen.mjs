// citizen.mjs -- what users hit first (issue "What users hit first", items 2, 7 and 8):
// dates typed day first on an English-locale browser, the tracking page's next step on a
// cheap phone, and a home page that chooses and remembers the commune. Keyboard only;
// screenshots in /tmp/citizen-*.png.
export default function ({ shot, test, assert, goto, login, norm, PASSWORD, AXE }) {
  // No sideways scrolling at the phone's width.
  async function fitsWidth(page, width, what) {
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(sw <= width, `${what}: scrolls sideways at ${width} px (scrollWidth ${sw})`);
  }

  // A staff member's dossiers as JSON (code, secret, status, due date), through the session.
  async function dossierJson(page, href) {
    const res = await page.request.get(href, { headers: { Accept: 'application/json' } });
    assert(res.ok(), `GET ${href} as JSON answered ${res.status()}`);
    return res.json();
  }

  // The first dossier of a list page whose row matches `late` (or any row).
  async function firstDossier(page, url, lateOnly) {
    await goto(page, url);
    const rows = page.locator(lateOnly ? 'tr.tt-row-late a[href^="/ho-so/"]' : 'tbody a[href^="/ho-so/"]');
    assert(await rows.count() > 0, `no dossier on ${url}`);
    return rows.first().getAttribute('href');
  }

  test('citizen: a date typed 07/01 on an English-locale browser is 7 January, echoed in words, bounded', async ({ page }) => {
    await login(page, 'canbo1', PASSWORD);
    const href = await firstDossier(page, '/ho-so/tre-han', true);
    await goto(page, href);
    const field = page.locator('#new_due_date');
    assert(await field.getAttribute('type') === 'text', 'the new due date must be a text field, not a native date picker');
    // the apology is folded with the other secondary actions: open it from the keyboard
    await page.locator('summary', { hasText: 'Xin lỗi và hẹn lại ngày trả kết quả' }).focus();
    await page.keyboard.press('Enter');
    // the officer types day first; the page says which day that is, in words
    await page.locator('#apology_reason').focus();
    await page.keyboard.type('Chờ xác minh thông tin');
    await page.keyboard.press('Tab');
    await page.keyboard.type('07/01/2099');
    const words = norm(await page.locator('#new_due_date-words').innerText());
    assert(words === 'thứ Tư, ngày 07 tháng 01 năm 2099', `words under the field: "${words}"`);
    await shot(page, { path: '/tmp/citizen-date-typed.png' });
    // far beyond the procedure's own time limit: refused, the limit named, the typed day echoed
    await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
    const error = norm(await page.locator('.govuk-error-summary').innerText());
    assert(error.includes('Ngày hẹn muộn nhất:') && error.includes('thứ Tư, ngày 07 tháng 01 năm 2099'),
      `the error should name the limit and the day read: ${error}`);
    const latest = (error.match(/\((\d{2}\/\d{2}\/\d{4})\)/) || [])[1];
    assert(latest, `no dd/mm/yyyy limit in: ${error}`);
    await shot(page, { path: '/tmp/citizen-date-refused.png', fullPage: true });
    // the refused form comes back open with the reason kept; the limit itself, typed again by
    // keyboard, is saved as that very day
    assert(norm(await page.locator('#apology_reason').inputValue()) === 'Chờ xác minh thông tin', 'the reason typed was lost');
    await page.locator('#new_due_date').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(latest);
    const [d, m, y] = latest.split('/');
    const echoed = norm(await page.locator('#new_due_date-words').innerText());
    assert(echoed.endsWith(`ngày ${d} tháng ${m} năm ${y}`), `words for ${latest}: "${echoed}"`);
    await Promise.all([page.waitForURL((u) => u.pathname === href), page.keyboard.press('Enter')]);
    const saved = await dossierJson(page, href);
    assert(saved.due_text.endsWith(latest), `new due ${saved.due_text}, typed ${latest}`);
    assert(saved.apologies >= 1, 'the apology was not counted');
  }, { locale: 'en-US', viewport: { width: 1366, height: 768 } });

  test('citizen: tracking on a 360 px phone says what to do next, code typed in lower case with spaces', async ({ page, context, base }) => {
    await login(page, 'canbo1', PASSWORD);
    // a dossier received now (the demo's open ones are late), and the desk asks for two papers
    await goto(page, '/tiep-nhan');
    const csrf = await page.locator('input[name="_csrf"]').first().getAttribute('value');
    const procs = await (await page.request.get('/api/v1/procedures?don_vi=05443&q=nhan+cha')).json();
    const made = await page.request.post('/ho-so', {
      headers: { Accept: 'application/json' },
      form: { _csrf: csrf, procedure_id: String(procs.items.find((p) => p.days !== null).id), applicant_name: 'Nguyễn Thị Hồng Nhung',
        applicant_phone: '0912 345 678', applicant_id_number: '019190012345', applicant_address: 'Tổ 5',
        channel: 'desk', return_method: 'desk' },
    });
    assert(made.status() === 201, `intake answered ${made.status()}: ${(await made.text()).slice(0, 200)}`);
    const href = (await made.json()).url;
    await goto(page, href);
    await page.locator('summary', { hasText: 'Yêu cầu bổ sung' }).click();   /* a secondary action, folded */
    await page.locator('#supplement_papers').fill('Bản sao giấy khai sinh của con\nẢnh 4x6');
    await page.locator('#supplement_reason').fill('Thiếu giấy tờ chứng minh quan hệ');
    await Promise.all([page.waitForLoadState('load'), page.locator('#supplement_reason').press('Enter')]);
    const d = await dossierJson(page, href);
    const refused = await page.locator('.govuk-error-summary').count() ? norm(await page.locator('.govuk-error-summary').innerText()) : '';
    assert(d.status === 'supplement', `the supplement request was not saved (status ${d.status}) ${refused} at ${page.url()}`);
    const phone = await context.browser().newContext({ viewport: { width: 360, height: 740 }, locale: 'en-US', bypassCSP: true });
    const p = await phone.newPage();
    await p.goto(`${base}/tra-cuu`);
    await p.locator('#ma').focus();
    await p.keyboard.type(d.code.toLowerCase().replace(/-/g, ' - '));
    await p.keyboard.press('Tab');
    await p.keyboard.type(`${d.secret.slice(0, 3).toLowerCase()} ${d.secret.slice(3).toLowerCase()}`);
    await Promise.all([p.waitForLoadState('load'), p.keyboard.press('Enter')]);
    const label = norm(await p.locator('label[for="bm"]').innerText());
    assert(label.startsWith('Mã tra cứu'), `the secret's label should be the slip's "Mã tra cứu", is "${label}"`);
    const box = norm(await p.locator('#viec-can-lam').innerText());
    assert(box.includes('Việc ông/bà cần làm') && box.includes('cần nộp bổ sung'), `next-step box: ${box}`);
    assert(box.includes('Bản sao giấy khai sinh của con') && box.includes('Ảnh 4x6'), `the papers asked for: ${box}`);
    assert(box.includes('Thiếu giấy tờ chứng minh quan hệ'), `the reason: ${box}`);
    const main = norm(await p.locator('main').innerText());
    assert(!main.includes(d.applicant_name), 'the tracking page shows the applicant\'s name');
    assert(!d.assignee_name || !main.includes(d.assignee_name), 'the tracking page shows an official\'s name');
    await fitsWidth(p, 360, '/tra-cuu');
    await p.addScriptTag({ path: AXE });
    const serious = await p.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] }))
      .violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id));
    assert(!serious.length, `axe on the tracking page: ${serious.join(', ')}`);
    await shot(p, { path: '/tmp/citizen-track-360.png', fullPage: true });
    await phone.close();
  });

  test('citizen: the home chooses the commune, remembers it, and a procedure books there (keyboard, 360 px)', async ({ page }) => {
    await goto(page, '/');
    assert(norm(await page.locator('h1').innerText()) === 'Chọn xã, phường của ông/bà', 'the home page is not the chooser');
    await fitsWidth(page, 360, '/');
    await shot(page, { path: '/tmp/citizen-home-360.png', fullPage: true });
    // search without diacritics, from the keyboard
    await page.locator('#q').focus();
    await page.keyboard.type('phu dinh');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('q') === 'phu dinh'), page.keyboard.press('Enter')]);
    const links = await page.locator('main a[href^="/don-vi/"]').allInnerTexts();
    assert(links.length === 1 && norm(links[0]) === 'Xã Phú Đình', `"phu dinh" found ${JSON.stringify(links)}`);
    await page.locator('main a[href="/don-vi/05602"]').focus();
    await Promise.all([page.waitForURL((u) => u.pathname === '/don-vi/05602'), page.keyboard.press('Enter')]);
    // the next visit to "/" opens that commune
    await goto(page, '/');
    assert(norm(await page.locator('h1').innerText()) === 'Xã Phú Đình', 'the home page did not remember Xã Phú Đình');
    await fitsWidth(page, 360, 'the remembered commune');
    // its catalogue, a procedure, its booking and the way back
    await goto(page, '/thu-tuc?don_vi=05602&q=nhan+cha');
    const first = page.locator('ul.tt-results li a').first();
    await first.focus();
    await Promise.all([page.waitForURL((u) => /^\/thu-tuc\/\d+$/.test(u.pathname)), page.keyboard.press('Enter')]);
    const book = page.getByRole('link', { name: 'Đặt lịch nộp hồ sơ' });
    const bookHref = await book.getAttribute('href');
    assert(/^\/dat-lich\?don_vi=05602&thu_tuc=\d+$/.test(bookHref), `booking link ${bookHref}`);
    const back = await page.locator('a.govuk-back-link').getAttribute('href');
    assert(back === '/thu-tuc?don_vi=05602', `"Quay lại danh mục" goes to ${back}`);
    await fitsWidth(page, 360, 'the procedure page');
    await shot(page, { path: '/tmp/citizen-procedure-360.png', fullPage: true });
    await book.focus();
    await Promise.all([page.waitForURL((u) => u.pathname === '/dat-lich'), page.keyboard.press('Enter')]);
    const booking = norm(await page.locator('main').innerText());
    assert(booking.includes('Xã Phú Đình'), 'the booking page is not Xã Phú Đình\'s');
    await fitsWidth(page, 360, '/dat-lich');
  }, { viewport: { width: 360, height: 740 } });

  test('citizen: the chooser and a procedure page at 1366 x 768', async ({ page }) => {
    await goto(page, '/?chon=1');
    await shot(page, { path: '/tmp/citizen-home-1366.png' });
    await goto(page, '/thu-tuc?don_vi=05443&q=khai+sinh');
    await page.locator('ul.tt-results li a').first().click();
    await page.waitForLoadState('load');
    assert(await page.getByRole('link', { name: 'Đặt lịch nộp hồ sơ' }).isVisible(), 'no visible booking link');
    await shot(page, { path: '/tmp/citizen-procedure-1366.png' });
  }, { viewport: { width: 1366, height: 768 } });
}
