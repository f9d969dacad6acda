// End-to-end test of the web UI served by a real `cinedesk serve`, in Debian's Chromium driven
// by playwright-core: log in, create a cinema through the dialog, see it listed, switch to
// English. Run through tests/web/run.sh, which builds and starts the server.
import { mkdir } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const BASE = process.env.CINEDESK_URL
const PASSWORD = process.env.CINEDESK_ADMIN_PASSWORD
const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '../artifacts')
const field = (name) => `input[data-test="${name}"], [data-test="${name}"] input`

const results = []
async function check(name, fn) {
  try {
    await fn()
    results.push(true)
    console.log(`ok   ${name}`)
  } catch (e) {
    results.push(false)
    console.log(`FAIL ${name}\n     ${String(e.message).split('\n').join('\n     ')}`)
    throw e
  }
}

async function main() {
  await mkdir(ARTIFACTS, { recursive: true })
  // Flags that keep Chromium off the (closed) network here.
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  })
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  try {
    await check('the server serves the UI, which logs in over the REST API', async () => {
      await page.goto(`${BASE}/`)
      await page.fill('input[autocomplete="username"]', 'admin')
      await page.fill('input[autocomplete="current-password"]', PASSWORD)
      await page.click('[data-test="login-submit"]')
      await page.waitForSelector('[data-test="cinema-table"]', { timeout: 15000 })
    })
    await check('a cinema created in the dialog is listed', async () => {
      await page.click('[data-test="cinema-add"]')
      await page.fill(field('f-cinemaCode'), 'web_cinema_01')
      await page.fill(field('f-name'), '浏览器影城')
      await page.click('[data-test="f-regionID"]')
      await page.keyboard.type('北京')
      await page.locator('li.el-select-dropdown__item:visible', { hasText: '北京' }).first().click()
      await page.fill(field('f-comsIPAddr'), '192.168.1.20')
      await page.click('[data-test="cinema-submit"]')
      await page.waitForSelector('[data-test="cinema-table"] td:has-text("web_cinema_01")', { timeout: 15000 })
      await page.waitForTimeout(400) // the dialog's closing animation
      await page.screenshot({ path: resolve(ARTIFACTS, 'web-cinemas.png') })
    })
    await check('the server refuses a duplicate code and the dialog says so on the field', async () => {
      await page.click('[data-test="cinema-add"]')
      await page.fill(field('f-cinemaCode'), 'web_cinema_01')
      await page.fill(field('f-name'), '重复')
      await page.click('[data-test="f-regionID"]')
      await page.keyboard.type('上海')
      await page.locator('li.el-select-dropdown__item:visible', { hasText: '上海' }).first().click()
      await page.click('[data-test="cinema-submit"]')
      await page.waitForSelector('.el-form-item.is-error:has([data-test="f-cinemaCode"])', { timeout: 15000 })
      await page.keyboard.press('Escape')
    })
    await check('switching to English relabels the page', async () => {
      await page.click('[data-test="lang-switch"]')
      await page.locator('.el-dropdown-menu__item:visible', { hasText: 'English' }).first().click()
      await page.waitForSelector('text=Cinemas', { timeout: 10000 })
      await page.screenshot({ path: resolve(ARTIFACTS, 'web-cinemas-en.png') })
    })
  } catch (e) {
    await page.screenshot({ path: resolve(ARTIFACTS, 'web-failure.png') }).catch(() => {})
    throw e
  } finally {
    await browser.close()
  }
}

main()
  .catch(() => {})
  .finally(() => {
    const passed = results.filter(Boolean).length
    const failed = results.length - passed || (results.length === 0 ? 1 : 0)
    console.log(`${passed} passed, ${failed} failed`)
    process.exitCode = failed ? 1 : 0
  })
