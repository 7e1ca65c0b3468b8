// province.mjs -- the province's view (src/report/figures.h) as the provincial assessor at
// 1366x768: the table of every commune and department with the previous period beside each
// figure, its SVG chart, sorting by a column on the server, a commune's page with its months and
// the audit sample, no serious or critical accessibility fault. Screenshot in /tmp/province-*.png.
export default function ({ shot, test, assert, goto, login, PASSWORD, AXE }) {
  async function axe(page, what) {
    await page.addScriptTag({ path: AXE });
    const bad = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} at ${v.nodes[0] && v.nodes[0].target.join(' ')}`);
    });
    assert(!bad.length, `${what}: accessibility: ${bad.join(', ')}`);
  }

  test('province: the assessor compares the units, sorts, and opens a commune with its audit sample', async ({ page }) => {
    await login(page, 'thamdinh', PASSWORD);
    await goto(page, '/bang-dieu-khien');
    await Promise.all([page.waitForLoadState('load'), page.locator('#tt-dashboard-province a').first().click()]);
    assert(new URL(page.url()).pathname === '/tinh/so-sanh', `the start page leads to the view, not ${page.url()}`);
    assert(await page.locator('svg.tt-chart rect').count() >= 2, 'a bar per unit in the chart');
    const codes = await page.locator('#tt-province tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.code));
    assert(codes.includes('05443') && codes.includes('05602'), `every commune is a row: ${codes.join(', ')}`);
    await shot(page, { path: '/tmp/province-table.png', fullPage: true });
    await axe(page, '/tinh/so-sanh');
    // sort by the dossiers received, most first, on the server
    await Promise.all([page.waitForLoadState('load'),
      page.locator('th[data-key="dossier.received"] a').click()]);
    assert(/sap_xep=dossier\.received/.test(page.url()), `sorted by the column clicked: ${page.url()}`);
    const sorted = await page.locator('#tt-province tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.code));
    assert(sorted.indexOf('05443') < sorted.indexOf('05602'), `the ward with more dossiers first: ${sorted.join(', ')}`);
    const counts = await page.locator('#tt-province tbody td[data-key="dossier.received"] strong').allInnerTexts();
    const n = counts.map((t) => Number(t.replace(/\./g, '')) || 0);
    assert(n.every((v, i) => i === 0 || n[i - 1] >= v), `most dossiers first: ${counts.join(', ')}`);
    // one commune: its months, its sample, masked names
    await Promise.all([page.waitForLoadState('load'), page.locator('tr[data-code="05602"] th a').click()]);
    assert(await page.locator('#tt-unit-months tbody tr').count() >= 1, 'a row per month');
    assert(await page.locator('#tt-sample tbody tr').count() === 10, 'ten dossiers in the audit sample');
    const names = await page.locator('#tt-sample tbody tr td:nth-child(3)').allInnerTexts();
    assert(names.every((n) => /^(\S\. ?)+$/.test(n.trim())), `the applicants are masked: ${names.join(' | ')}`);
    await axe(page, '/tinh/don-vi/05602');
  }, { viewport: { width: 1366, height: 768 }, bypassCSP: true });
}
