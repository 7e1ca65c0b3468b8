// admin.mjs -- the administrator's pages at 1366×768, by keyboard: the users list (a readable
// "Khóa" button), editing a user, editing a hamlet; axe-core on each page.

// WCAG contrast ratio of two "rgb(r, g, b)" colours.
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

export default function ({ shot, test, assert, goto, login, norm, PASSWORD, AXE }) {
  // Tabs until the focused element satisfies pred (at most max presses).
  async function tabTo(page, pred, what, max = 250) {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      const hit = await page.evaluate(pred);
      if (hit) return;
    }
    throw new Error(`Tab never reached ${what}`);
  }

  async function axe(page, url) {
    await page.addScriptTag({ path: AXE });
    const v = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((x) => ({ id: x.id, impact: x.impact, target: x.nodes[0] && x.nodes[0].target.join(' '), n: x.nodes.length }));
    });
    return v.filter((x) => x.impact === 'serious' || x.impact === 'critical')
      .map((x) => `${url}: ${x.id} (${x.impact}) at ${x.target}${x.n > 1 ? ` and ${x.n - 1} more` : ''}`);
  }

  test('admin pages: readable lock button, a user and a hamlet edited by keyboard, no serious axe violations', async ({ page }) => {
    await login(page, 'admin', PASSWORD);
    const bad = [];

    // the users list: "Khóa" is readable on the white page
    await goto(page, '/quan-tri/nguoi-dung');
    const lock = page.locator('main button.tt-linkbutton').first();
    const colours = await lock.evaluate((el) => {
      let bg = 'rgba(0, 0, 0, 0)';
      for (let n = el; n && /rgba\(0, 0, 0, 0\)|transparent/.test(bg); n = n.parentElement) bg = getComputedStyle(n).backgroundColor;
      return { fg: getComputedStyle(el).color, bg: /rgba\(0, 0, 0, 0\)/.test(bg) ? 'rgb(255, 255, 255)' : bg };
    });
    const ratio = contrast(colours.fg, colours.bg);
    assert(ratio >= 4.5, `the Khóa button is ${colours.fg} on ${colours.bg} (contrast ${ratio.toFixed(2)}, needs 4.5)`);
    assert(norm(await lock.innerText()).startsWith('Khóa'), 'the first row button should say Khóa');
    await shot(page, { path: '/tmp/catalog-admin-users.png' });
    bad.push(...await axe(page, '/quan-tri/nguoi-dung'));

    // a user: from the list to the page, role changed, saved -- all by keyboard
    await goto(page, '/quan-tri/nguoi-dung');
    await tabTo(page, () => document.activeElement && document.activeElement.textContent.trim() === 'chuyenvien1', 'the chuyenvien1 link');
    await Promise.all([page.waitForURL(/\/quan-tri\/nguoi-dung\/\d+$/), page.keyboard.press('Enter')]);
    bad.push(...await axe(page, page.url()));
    await tabTo(page, () => document.activeElement && document.activeElement.id === 'role', 'the role select');
    assert(await page.locator('#role').inputValue() === 'specialist', 'chuyenvien1 starts as a specialist');
    await page.keyboard.press('ArrowDown');   // the next role: leader
    assert(await page.locator('#role').inputValue() === 'leader', 'ArrowDown should pick the leader role');
    await tabTo(page, () => document.activeElement && document.activeElement.textContent.trim() === 'Lưu', 'the Lưu button');
    await Promise.all([page.waitForURL(/da_luu=1/), page.keyboard.press('Enter')]);
    assert((await page.locator('.govuk-notification-banner').innerText()).includes('Đã lưu thay đổi'), 'a saved notice');
    assert(await page.locator('#role').inputValue() === 'leader', 'the role is saved');
    await shot(page, { path: '/tmp/catalog-admin-user-edit.png', fullPage: true });

    // a hamlet of Xã Phú Đình renamed by keyboard
    await goto(page, '/quan-tri/don-vi/05602');
    bad.push(...await axe(page, '/quan-tri/don-vi/05602'));
    const first = page.locator('input[id^="hamlet-name-"]').first();
    const id = await first.getAttribute('id');
    await tabTo(page, () => document.activeElement && document.activeElement.id.startsWith('hamlet-name-'), 'the first hamlet name', 400);
    assert(await page.evaluate(() => document.activeElement.id) === id, 'the first hamlet field is reached first');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Xóm Hòa Bình Mới');
    await page.keyboard.press('Tab');   // households
    await page.keyboard.press('Tab');   // voters
    await page.keyboard.press('Tab');   // Lưu
    assert(norm(await page.evaluate(() => document.activeElement.textContent)).startsWith('Lưu'), 'Tab from the voters field reaches Lưu');
    await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
    assert((await page.locator(`#${id}`).inputValue()) === 'Xóm Hòa Bình Mới', 'the hamlet is renamed');
    await shot(page, { path: '/tmp/catalog-admin-unit.png', fullPage: true });

    assert(!bad.length, bad.join('; '));
  }, { viewport: { width: 1366, height: 768 }, bypassCSP: true });
}
