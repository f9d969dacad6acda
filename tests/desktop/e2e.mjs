// End-to-end test of the real Cinedesk window: tauri-driver + WebKitWebDriver, spoken to over
// the W3C WebDriver protocol with plain fetch (no client library to install or keep current).
// Run through tests/desktop/run.sh, which builds the app and starts Xvfb and tauri-driver.
import { writeFile, mkdir } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const DRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444'
const APP = process.env.CINEDESK_APP
const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '../artifacts')
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf'

async function wd(method, path, body) {
  const res = await fetch(DRIVER + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).catch((e) => {
    throw new Error(`cannot reach the WebDriver server (tauri-driver) at ${DRIVER}: ${e.cause?.message ?? e.message}`)
  })
  const json = await res.json().catch(() => ({}))
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json.value ?? json)}`)
  return json.value
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Polls until the element is there; the app renders asynchronously. */
async function find(sid, using, value, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const el = await wd('POST', `/session/${sid}/element`, { using, value })
      const id = el[ELEMENT]
      if (!id) throw new Error(`driver answered without an element id: ${JSON.stringify(el)}`)
      return id
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`element not found within ${timeoutMs} ms: ${using} ${value}\n${e.message}`)
      await sleep(200)
    }
  }
}

// Element Plus puts a component's data-test on its <input> or on its wrapper, depending on the component.
const field = (name) => `input[data-test="${name}"], [data-test="${name}"] input`
const css = (sid, selector, t) => find(sid, 'css selector', selector, t)
const xpath = (sid, expr, t) => find(sid, 'xpath', expr, t)
/** Clicks, retrying while the element is still animating in (dialogs, dropdowns). */
async function click(sid, el, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await wd('POST', `/session/${sid}/element/${el}/click`, {})
    } catch (e) {
      if (Date.now() > deadline || !e.message.includes('not interactable')) throw e
      await sleep(200)
    }
  }
}
const type = (sid, el, text) => wd('POST', `/session/${sid}/element/${el}/value`, { text })
const textOf = (sid, el) => wd('GET', `/session/${sid}/element/${el}/text`)

async function screenshot(sid, name) {
  await mkdir(ARTIFACTS, { recursive: true })
  const png = await wd('GET', `/session/${sid}/screenshot`)
  const path = resolve(ARTIFACTS, name)
  await writeFile(path, Buffer.from(png, 'base64'))
  return path
}

const results = []
async function check(name, fn) {
  try {
    await fn()
    results.push([name, true])
    console.log(`ok   ${name}`)
  } catch (e) {
    results.push([name, false])
    console.log(`FAIL ${name}\n     ${e.message.split('\n').join('\n     ')}`)
    throw e
  }
}

async function main() {
  if (!APP) throw new Error('CINEDESK_APP must name the built desktop binary')
  const started = Date.now()
  const session = await wd('POST', '/session', {
    capabilities: { alwaysMatch: { 'tauri:options': { application: APP } } },
  })
  const sid = session.sessionId
  console.log(`     window up (WebDriver session) after ${Date.now() - started} ms`)
  const code = 'e2e_cinema_01'
  try {
    await check('a fresh data dir opens on the first-run administrator form', async () => {
      const name = await css(sid, 'input[autocomplete="name"]', 30000)
      console.log(`     first-run form shown after ${Date.now() - started} ms`)
      await type(sid, name, '管理员')
      await type(sid, await css(sid, 'input[autocomplete="username"]'), 'admin')
      await type(sid, await css(sid, 'form input[autocomplete="new-password"]'), 'cinedesk-e2e-pass')
      await type(sid, await xpath(sid, '(//input[@autocomplete="new-password"])[2]'), 'cinedesk-e2e-pass')
      await screenshot(sid, 'desktop-first-run.png')
      await click(sid, await css(sid, '[data-test="setup-submit"]'))
    })
    await check('creating the administrator logs in and shows the cinema list', async () => {
      // The UI logs the new administrator straight in; should it ask for the password instead,
      // log in, so that the rest of the run still tests the cinema pages.
      const next = await css(sid, '[data-test="cinema-table"], [data-test="login-submit"]')
      if ((await wd('GET', `/session/${sid}/element/${next}/attribute/data-test`)) === 'login-submit') {
        console.log('     setup ended on the login form; logging in')
        await type(sid, await css(sid, 'input[autocomplete="username"]'), 'admin')
        await type(sid, await css(sid, 'input[autocomplete="current-password"]'), 'cinedesk-e2e-pass')
        await click(sid, next)
        await css(sid, '[data-test="cinema-table"]')
      }
      const user = await textOf(sid, await css(sid, '[data-test="current-user"]'))
      if (!user.includes('管理员')) throw new Error(`header should name the logged-in user, got ${JSON.stringify(user)}`)
    })
    await check('a cinema is created through the dialog', async () => {
      await click(sid, await css(sid, '[data-test="cinema-add"]'))
      await type(sid, await css(sid, field('f-cinemaCode')), code)
      await type(sid, await css(sid, field('f-name')), 'X立方长宁缤谷')
      // The region select is filterable: typing narrows the list so the option is in view. The
      // page's own region filter has the same options hidden, hence the last match.
      await click(sid, await css(sid, '[data-test="f-regionID"]'))
      await type(sid, await css(sid, field('f-regionID')), '上海')
      await click(sid, await xpath(sid, "(//li[contains(@class,'el-select-dropdown__item')][.//span[text()='上海']])[last()]"))
      await type(sid, await css(sid, field('f-comsIPAddr')), '192.168.8.21')
      await click(sid, await css(sid, '[data-test="cinema-submit"]'))
    })
    await check('the cinema list shows the new cinema', async () => {
      const cell = await xpath(sid, `//*[@data-test="cinema-table"]//td[contains(., "${code}")]`)
      const row = await textOf(sid, cell)
      if (!row.includes(code)) throw new Error(`expected ${code} in the list, got ${JSON.stringify(row)}`)
      await xpath(sid, `//*[@data-test="cinema-table"]//td[contains(., "上海")]`)
      await sleep(500) // let the dialog's closing animation finish before the screenshot
      const path = await screenshot(sid, 'desktop-cinemas.png')
      console.log(`     screenshot: ${path}`)
    })
    await check('logging out and in again with the password shows the list', async () => {
      await click(sid, await css(sid, '[data-test="logout"]'))
      const alias = await css(sid, 'input[autocomplete="username"]')
      await type(sid, alias, 'admin')
      await type(sid, await css(sid, 'input[autocomplete="current-password"]'), 'cinedesk-e2e-pass')
      await click(sid, await css(sid, '[data-test="login-submit"]'))
      await xpath(sid, `//*[@data-test="cinema-table"]//td[contains(., "${code}")]`)
    })
  } catch (e) {
    // What the window showed when it went wrong is the quickest way to see why.
    await screenshot(sid, 'desktop-failure.png').catch(() => {})
    throw e
  } finally {
    await wd('DELETE', `/session/${sid}`).catch(() => {})
  }
}

main()
  .catch((e) => {
    // A failure outside any check (no session, say) counts as one failed step of its own.
    if (!results.some(([, ok]) => !ok)) {
      results.push(['setup', false])
      console.log(`FAIL ${e.message}`)
    }
  })
  .finally(() => {
    const passed = results.filter(([, ok]) => ok).length
    const failed = results.length - passed
    console.log(`${passed} passed, ${failed} failed`)
    process.exitCode = failed ? 1 : 0
  })
