// Browser tests of the built page against a scripted API (no backend needed):
// login → list → 100 rows (timed) → apply dialog field error → detail drawer QR code.
// Run: npm run build && npm run e2e:mocked   (SCREENSHOTS=1 also writes docs/images/*.png)
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { chromiumAvailable, launch, newPage } from './lib/browser.mjs'
import { serveDist } from './lib/static.mjs'
import { installMockApi } from './lib/mock-api.mjs'
import { rendererCpuMs } from './lib/cpu.mjs'

const SHOTS = process.env.SCREENSHOTS === '1'
const SHOT_DIR = new URL('../../docs/images/', import.meta.url).pathname
const skip = chromiumAvailable() ? false : 'no /usr/bin/chromium (apt-get install chromium)'

describe('admin page in headless Chromium (mocked API)', { skip }, () => {
  let browser, server, page, errors, calls

  before(async () => {
    server = await serveDist()
    browser = await launch()
    ;({ page, errors } = await newPage(browser))
    calls = await installMockApi(page)
    if (SHOTS) mkdirSync(SHOT_DIR, { recursive: true })
  })

  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('logs in and lands on the list with user and tenant shown', async () => {
    await page.goto(`${server.url}/payment/facetoface`)
    await page.waitForURL(/\/login\?redirect=/)
    await page.fill('input[name="username"]', 'admin')
    await page.fill('input[name="password"]', 'secret')
    await page.click('[data-test="login-submit"]')
    await page.waitForURL(/\/payment\/facetoface$/)
    await page.waitForSelector('[data-test="row"]')
    assert.match(await page.textContent('[data-test="tenant"]'), /演示租户/)
    assert.match(await page.textContent('[data-test="user"]'), /admin/)
    assert.equal(await page.locator('[data-test="row"]').count(), 10)
  })

  it('renders 100 rows fast', async () => {
    // Wall time from the list answer arriving to the frame in which 100 rows are painted,
    // and the renderer's CPU time for the whole switch (robust against a busy machine).
    await page.evaluate(() => {
      window.__rowsPainted = new Promise((resolve) => {
        const check = () => {
          const rows = document.querySelectorAll('[data-test="row"]').length
          if (rows >= 100) requestAnimationFrame(() => resolve(performance.now()))
          else requestAnimationFrame(check)
        }
        requestAnimationFrame(check)
      })
    })
    await page.click('.el-pagination .el-select')
    await page.waitForSelector('.el-select-dropdown__item:has-text("100")')
    await page.waitForTimeout(300)
    const clickAt = await page.evaluate(() => performance.now())
    const cpuBefore = rendererCpuMs()
    await page.click('.el-select-dropdown__item:has-text("100")')
    const paintedAt = await page.evaluate(() => window.__rowsPainted)
    const cpuMs = rendererCpuMs() - cpuBefore
    const responseEnd = await page.evaluate(() => {
      const entries = performance.getEntriesByType('resource').filter((e) => e.name.includes('page_size=100'))
      return entries.at(-1)?.responseEnd ?? null
    })
    assert.ok(responseEnd !== null, 'the page_size=100 request was made')
    const renderMs = paintedAt - responseEnd
    const totalMs = paintedAt - clickAt
    const load = (await import('node:os')).loadavg()[0].toFixed(2)
    console.log(`# 100 rows: wall ${renderMs.toFixed(0)} ms answer→paint, ${totalMs.toFixed(0)} ms click→paint; renderer CPU ${cpuMs.toFixed(0)} ms; load average ${load}`)
    // The 200 ms target is asserted only where the machine is quiet enough for it to mean
    // something (XJZ_RENDER_BUDGET_MS=200); see docs/performance.md, Frontend.
    if (process.env.XJZ_RENDER_BUDGET_MS) {
      const budget = Number(process.env.XJZ_RENDER_BUDGET_MS)
      assert.ok(renderMs < budget, `100 rows took ${renderMs.toFixed(0)} ms answer→paint (budget ${budget} ms)`)
    }
    assert.equal(await page.locator('[data-test="row"]').count(), 100)
    if (SHOTS) await page.screenshot({ path: `${SHOT_DIR}/list.png` })
  })

  it('apply dialog: client rule, then a server field error under its field', async () => {
    await page.click('[data-test="apply-btn"]')
    await page.waitForSelector('[data-test="apply-form"]')
    await page.fill('[data-test="f-account"]', 'shop@example.com')
    await page.fill('[data-test="f-merchant_name"]', '张三餐饮有限公司')
    await page.fill('[data-test="f-contact_name"]', '张三')
    await page.fill('[data-test="f-contact_mobile"]', '1380013800')
    await page.click('[data-test="apply-submit"]')
    await page.waitForSelector('.el-form-item.is-error >> text=请输入 11 位手机号')
    // Passes the client rule; the (mocked) server refuses it with a 10422.
    await page.fill('[data-test="f-contact_mobile"]', '19999999999')
    await page.click('[data-test="f-mcc_code"]')
    await page.click('.el-select-dropdown__item:has-text("快餐店")')
    await page.fill('[data-test="f-shop_name"]', '张三快餐')
    await page.click('[data-test="apply-submit"]')
    await page.waitForSelector('.el-form-item.is-error >> text=不是有效的手机号')
    const apply = calls.filter((c) => c.path === '/payment/facetoface/apply')
    assert.equal(apply.length, 1)
    if (SHOTS) {
      await page.evaluate(() => document.querySelector('.el-overlay-dialog')?.scrollTo(0, 0))
      await page.waitForTimeout(3500) // let the toasts fade
      await page.screenshot({ path: `${SHOT_DIR}/apply-dialog.png` })
    }
    await page.keyboard.press('Escape')
    await page.click('.el-message-box__btns .el-button--primary')
    await page.waitForSelector('[data-test="apply-form"]', { state: 'hidden' })
  })

  it('opens the detail drawer with the confirm QR code', async () => {
    const row = page.locator('[data-test="row"]', { hasText: '待商家确认' }).first()
    await row.locator('[data-test="action-detail"]').click()
    await page.waitForSelector('[data-test="confirm-qr"]')
    const src = await page.getAttribute('[data-test="confirm-qr"]', 'src')
    assert.match(src, /^data:image\/png;base64,/)
    assert.match(await page.textContent('[data-test="confirm-url"]'), /render\.alipay\.com/)
    assert.ok((await page.locator('.el-timeline-item').count()) >= 2)
    // The events in the real shape, worded per kind; images listed by the detail are fetched.
    assert.match(await page.textContent('[data-test="timeline"]'), /状态：已提交 → 待商家确认/)
    await page.waitForSelector('.detail-drawer__images img')
    if (SHOTS) await page.screenshot({ path: `${SHOT_DIR}/detail.png` })
  })

  it('switches to English', async () => {
    await page.keyboard.press('Escape')
    await page.click('.layout__right .el-dropdown >> nth=0')
    await page.click('.el-dropdown-menu__item:has-text("English")')
    await page.waitForSelector('text=Face-to-face Payment')
  })

  it('logged no page errors', () => {
    assert.deepEqual(errors, [])
    const lists = calls.filter((c) => c.path === '/payment/facetoface')
    assert.ok(lists.length > 0)
    // Only the parameters the server knows (it refuses any other with 10422).
    for (const c of lists) {
      for (const key of new URLSearchParams(c.query).keys()) assert.ok(['page_no', 'page_size', 'order_by', 'order_status', 'merchant_name', 'shop_name', 'batch_no', 'order_no', 'needs_correction', 'created_time'].includes(key), key)
    }
  })
})
