// rating.mjs -- the rating of a dossier (src/survey/rating.h): the desk tablet's kiosk on a
// tablet (800x1280) and on a phone (360x740) -- big touch targets, no staff menu, thanks, back
// to the start by itself -- the citizen's page on a phone with a "không hài lòng" that needs
// its reason, and the leader's answer and figures at 1366x768. Screenshots in /tmp/rating-*.png.
export default function ({ shot, test, assert, goto, login, norm, PASSWORD, AXE }) {
  // A dossier of commune 05443 made through the desk's own JSON answers (intake, result,
  // return at the desk), as the signed-in officer: { id, code, secret }.
  async function returnedDossier(page, returned = true) {
    await goto(page, '/bang-dieu-khien');
    const csrf = await page.locator('input[name="_csrf"]').first().getAttribute('value');
    const procs = await (await page.request.get('/api/v1/procedures?don_vi=05443&q=dang+ky+khai+sinh&limit=1')).json();
    const proc = procs.items[0];
    const json = { headers: { Accept: 'application/json' } };
    const res = await page.request.post('/ho-so', {
      ...json,
      form: {
        _csrf: csrf, procedure_id: String(proc.id), applicant_name: 'Lê Thị Hoa', applicant_phone: '0912 345 678',
        applicant_id_number: '019190012345', applicant_address: 'Tổ 5', channel: 'desk', return_method: 'desk',
      },
    });
    assert(res.status() === 201, `intake answered ${res.status()}`);
    const d = await res.json();
    const done = await page.request.post(`/ho-so/${d.id}/hoan-thanh`, { ...json, form: { _csrf: csrf } });
    assert(done.ok(), `finish answered ${done.status()}`);
    if (returned) {
      const back = await page.request.post(`/ho-so/${d.id}/tra-ket-qua`, {
        ...json, form: { _csrf: csrf, return_method: 'desk', fee_paid: String(proc.fee || 0) },
      });
      assert(back.ok(), `return answered ${back.status()}`);
    }
    return d;
  }

  async function noSideways(page, width, what) {
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(sw <= width, `${what}: scrolls sideways at ${width} px (scrollWidth ${sw})`);
  }

  async function axe(page, what) {
    await page.addScriptTag({ path: AXE });
    const bad = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    });
    assert(!bad.length, `${what}: accessibility: ${bad.join(', ')}`);
  }

  // The kiosk: the code typed on the tablet, four big buttons, a tap, thanks, and back to the
  // start by itself (the page's clock is moved on instead of waiting ten seconds).
  async function kiosk(page, width, tag) {
    await login(page, 'canbo1', PASSWORD);
    const d = await returnedDossier(page);
    await page.clock.install();
    await goto(page, '/danh-gia/tai-quay');
    const nav = await page.locator('nav.tt-header__nav').count();
    assert(nav === 0, 'the kiosk shows no staff menu');
    assert(await page.locator('a[href="/ho-so"]').count() === 0, 'no link to the dossiers from the kiosk');
    await page.locator('#ma').fill(d.code.toLowerCase());
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Tiếp tục' }).click()]);
    const buttons = page.locator('button[name="muc"]');
    assert(await buttons.count() === 4, `four rating buttons (found ${await buttons.count()})`);
    const labels = (await buttons.allInnerTexts()).map(norm);
    assert(JSON.stringify(labels) === JSON.stringify(['Rất hài lòng', 'Hài lòng', 'Bình thường', 'Không hài lòng']),
      `the portal's four labels, best first: ${labels.join(' / ')}`);
    for (let i = 0; i < 4; i++) {
      const box = await buttons.nth(i).boundingBox();
      assert(box && box.height >= 80 && box.width >= 140, `button ${labels[i]} is a big touch target (${box && Math.round(box.width)}x${box && Math.round(box.height)})`);
    }
    await noSideways(page, width, 'the kiosk');
    await shot(page, { path: `/tmp/rating-kiosk-${tag}.png`, fullPage: true });
    await axe(page, 'the kiosk');
    // "không hài lòng" first asks for the reason, then thanks
    await Promise.all([page.waitForLoadState('load'), buttons.nth(3).click()]);
    assert(norm(await page.locator('label[for="ly_do"]').innerText()).startsWith('Xin cho biết lý do'), 'the reason is asked for');
    await shot(page, { path: `/tmp/rating-kiosk-reason-${tag}.png`, fullPage: true });
    await page.locator('#ly_do').fill('Phải chờ lâu ở quầy');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Gửi đánh giá' }).click()]);
    assert(norm(await page.locator('h1').innerText()) === 'Cảm ơn ông/bà đã đánh giá!', 'the thanks screen');
    await shot(page, { path: `/tmp/rating-kiosk-thanks-${tag}.png`, fullPage: true });
    await Promise.all([page.waitForURL((u) => u.pathname === '/danh-gia/tai-quay' && !u.search), page.clock.fastForward(11000)]);
    assert(await page.locator('#ma').inputValue() === '', 'back at the start, the field empty for the next citizen');
    // the same dossier again is refused: one rating per dossier
    await page.locator('#ma').fill(d.code);
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Tiếp tục' }).click()]);
    const again = norm(await page.locator('main').innerText());
    assert(again.includes('Hồ sơ này đã được đánh giá') && again.includes('Không hài lòng'), `already rated: ${again.slice(0, 200)}`);
  }

  test('rating: the kiosk on a tablet', async ({ page }) => {
    await kiosk(page, 800, 'tablet');
  }, { viewport: { width: 800, height: 1280 }, hasTouch: true, bypassCSP: true });

  test('rating: the kiosk on a phone', async ({ page }) => {
    await kiosk(page, 360, 'phone');
  }, { viewport: { width: 360, height: 740 }, hasTouch: true, bypassCSP: true });

  test('rating: the citizen rates from the tracking page on a phone', async ({ page, context }) => {
    await login(page, 'canbo1', PASSWORD);
    const d = await returnedDossier(page, false);   // done, not yet collected
    await context.clearCookies();
    await goto(page, `/tra-cuu?ma=${d.code}&bm=${d.secret}`);
    await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: 'Đánh giá sự phục vụ' }).click()]);
    await noSideways(page, 360, 'the rating page');
    await shot(page, { path: '/tmp/rating-citizen-phone.png', fullPage: true });
    await axe(page, 'the rating page');
    await page.getByLabel('Không hài lòng', { exact: true }).check();
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Gửi đánh giá' }).click()]);
    const error = norm(await page.locator('.govuk-error-summary').innerText());
    assert(error.includes('Xin cho biết lý do ông/bà không hài lòng.'), `the reason is required: ${error}`);
    assert(await page.getByLabel('Không hài lòng', { exact: true }).isChecked(), 'the level chosen is kept');
    await page.locator('#ly_do').fill('Hẹn trả kết quả nhưng phải đi lại hai lần');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Gửi đánh giá' }).click()]);
    const body = norm(await page.locator('main').innerText());
    assert(body.includes('Cảm ơn ông/bà đã đánh giá') && body.includes('Chờ lãnh đạo trả lời'), `thanks and the follow-up: ${body.slice(0, 300)}`);
    await shot(page, { path: '/tmp/rating-citizen-sent-phone.png', fullPage: true });
  }, { viewport: { width: 360, height: 740 }, bypassCSP: true });

  test('rating: the leader answers and reads the figures', async ({ page }) => {
    await login(page, 'lanhdao1', PASSWORD);
    // a dissatisfied rating to answer, keyed in as a paper slip
    const d = await returnedDossier(page);
    const csrf = await page.locator('input[name="_csrf"]').first().getAttribute('value');
    const slip = await page.request.post('/danh-gia/phieu', {
      headers: { Accept: 'application/json' },
      form: { _csrf: csrf, ma: d.code, muc: 'dissatisfied', ly_do: 'Công chức hướng dẫn chưa rõ' },
    });
    assert(slip.status() === 201, `the slip answered ${slip.status()}`);
    await goto(page, '/danh-gia/phan-hoi');
    const waiting = page.locator('form[action$="/tra-loi"]');
    assert(await waiting.count() > 0, 'a dissatisfied rating waits for the leader');
    await shot(page, { path: '/tmp/rating-followups-1366.png', fullPage: true });
    await waiting.first().locator('textarea').fill('Đơn vị xin lỗi ông/bà và đã bố trí thêm người tại quầy.');
    await Promise.all([page.waitForLoadState('load'), waiting.first().getByRole('button', { name: 'Gửi câu trả lời' }).click()]);
    assert(norm(await page.locator('main').innerText()).includes('Đã lưu câu trả lời.'), 'the answer is saved');
    await goto(page, '/danh-gia/thong-ke');
    const share = norm(await page.locator('#tt-share').innerText());
    assert(/^\d+(,\d)?%$/.test(share), `the satisfied share as a percentage: ${share}`);
    const rows = await page.locator('#tt-by-official tbody tr').count();
    assert(rows > 0, 'a row per official');
    await noSideways(page, 1366, 'the figures');
    await shot(page, { path: '/tmp/rating-figures-1366.png', fullPage: true });
    await axe(page, 'the figures');
  }, { viewport: { width: 1366, height: 768 }, bypassCSP: true });
}
