// End-to-end test of the real Cinedesk window: tauri-driver + WebKitWebDriver, spoken to over
// the W3C WebDriver protocol with plain fetch (no client library to install or keep current).
// Run through tests/desktop/run.sh, which builds the app and starts Xvfb and tauri-driver.
import { writeFile, mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises'
import { createHash, randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const DRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444'
const APP = process.env.CINEDESK_APP
const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '../artifacts')
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf'
const LOG_DIR = process.env.CINEDESK_LOG_DIR
const PASSWORD = 'cinedesk-e2e-pass'

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

/**
 * Runs `body` (the text of an async function body; `a` holds the arguments) inside the page,
 * as the UI itself would, and returns its result; a throw in the page fails the step.
 */
async function inPage(sid, body, ...args) {
  const script = `const done = arguments[arguments.length - 1];
    (async (a) => { ${body} })(Array.from(arguments).slice(0, -1))
      .then((ok) => done({ ok }), (e) => done({ err: String((e && (e.message || JSON.stringify(e))) || e) }))`
  const r = await wd('POST', `/session/${sid}/execute/async`, { script, args })
  if (r && 'err' in r) throw new Error(`in the page: ${r.err}`)
  return r?.ok
}

/** The page's own way to the API: the cinedesk scheme, in the platform's URL form. */
const BASE = "const base = window.__TAURI_INTERNALS__.convertFileSrc('', 'cinedesk').replace(/\\/$/, '');"
const INVOKE = 'const invoke = window.__TAURI_INTERNALS__.invoke;'

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer()
    srv.on('error', fail)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => ok(port))
    })
  })
}

function expectEqual(actual, expected, why) {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)]
  if (a !== e) throw new Error(`${why}: expected ${e}, got ${a}`)
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

/** Today's rolling log file of the app (CINEDESK_LOG_DIR, set by run.sh). */
async function readTodayLog() {
  if (!LOG_DIR) throw new Error('CINEDESK_LOG_DIR is not set')
  const files = (await readdir(LOG_DIR)).filter((f) => /^cinedesk\.\d{4}-\d{2}-\d{2}\.log$/.test(f))
  if (files.length === 0) throw new Error(`no cinedesk.YYYY-MM-DD.log in ${LOG_DIR}: ${await readdir(LOG_DIR)}`)
  return readFile(resolve(LOG_DIR, files.sort().at(-1)), 'utf8')
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
      await type(sid, await css(sid, 'form input[autocomplete="new-password"]'), PASSWORD)
      await type(sid, await xpath(sid, '(//input[@autocomplete="new-password"])[2]'), PASSWORD)
      await screenshot(sid, 'desktop-first-run.png')
      await click(sid, await css(sid, '[data-test="setup-submit"]'))
    })
    await check('creating the administrator logs in, and the menu opens the cinema list', async () => {
      // The UI logs the new administrator straight in (onto the dashboard); should it ask for the
      // password instead, log in, so that the rest of the run still tests the cinema pages.
      const next = await css(sid, '[data-test="current-user"], [data-test="login-submit"]')
      if ((await wd('GET', `/session/${sid}/element/${next}/attribute/data-test`)) === 'login-submit') {
        console.log('     setup ended on the login form; logging in')
        await type(sid, await css(sid, 'input[autocomplete="username"]'), 'admin')
        await type(sid, await css(sid, 'input[autocomplete="current-password"]'), PASSWORD)
        await click(sid, next)
      }
      const user = await textOf(sid, await css(sid, '[data-test="current-user"]'))
      if (!user.includes('管理员')) throw new Error(`header should name the logged-in user, got ${JSON.stringify(user)}`)
      // The dashboard's counts come over the scheme too: let them arrive before the screenshot.
      await css(sid, '[data-test="menu-dashboard"].is-active')
      await sleep(800)
      await screenshot(sid, 'desktop-dashboard.png')
      await click(sid, await css(sid, '[data-test="menu-cinemas"]'))
      await css(sid, '[data-test="cinema-table"]')
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
      // The list reloads after the save: wait for its loading mask to go, and for the dialog's
      // closing animation, before the screenshot.
      await inPage(
        sid,
        `for (let i = 0; i < 100; i++) {
          const mask = document.querySelector('[data-test="cinema-table"] .el-loading-mask')
          if (!mask || getComputedStyle(mask).display === 'none') return true
          await new Promise((r) => setTimeout(r, 100))
        }
        throw new Error('the cinema list is still loading after 10 s')`,
      )
      await sleep(500)
      const path = await screenshot(sid, 'desktop-cinemas.png')
      console.log(`     screenshot: ${path}`)
    })
    await check('the cinedesk scheme carries methods, POST bodies and the Authorization header', async () => {
      const r = await inPage(
        sid,
        `${BASE}
        const login = await fetch(base + '/cms/login', { method: 'POST', headers: { 'content-type': 'text/plain' },
          body: JSON.stringify({ alias: 'admin', password: a[0] }) })
        const session = await login.json()
        const anon = await fetch(base + '/cms/cinemas?limit=1')
        const listed = await fetch(base + '/cms/cinemas?cinema_code=' + a[1], { headers: { authorization: 'Bearer ' + session.token } })
        const page = await listed.json()
        return { base, login: login.status, anon: anon.status, anonCode: (await anon.json()).code,
          listed: listed.status, codes: page.itemList.map((c) => c.cinemaCode) }`,
        PASSWORD,
        code,
      )
      console.log(`     API base in the window: ${r.base}`)
      expectEqual(r.login, 200, 'POST /cms/login with a JSON body through the scheme')
      expectEqual([r.anon, r.anonCode], [401, 'unauthorized'], 'no Authorization header: the server guard answers')
      expectEqual([r.listed, r.codes], [200, [code]], 'with the bearer token and a query string')
    })
    await check('binary answers pass whole: a seat QR code PNG shows in an <img>', async () => {
      const r = await inPage(
        sid,
        `${BASE}
        const s = await (await fetch(base + '/cms/login', { method: 'POST', body: JSON.stringify({ alias: 'admin', password: a[0] }) })).json()
        const auth = { authorization: 'Bearer ' + s.token }
        const post = async (path, body) => {
          const res = await fetch(base + path, { method: 'POST', headers: auth, body: JSON.stringify(body) })
          if (!res.ok) throw new Error(path + ' ' + res.status + ' ' + (await res.text()))
          return res.json()
        }
        const cinemas = await (await fetch(base + '/cms/cinemas?cinema_code=' + a[1], { headers: auth })).json()
        const { hallID } = await post('/cms/halls', { hallCode: a[1] + '_h1', name: '1号厅', cinemaID: cinemas.itemList[0].cinemaID, numberOfSeats: 2 })
        const { clientID } = await post('/cms/vr_clients', { hallID, seatNumber: 'A01', IPAddr: '10.0.0.9' })
        const qr = await fetch(base + '/cms/vr_clients/' + clientID + '/qr_code?format=png&size=256', { headers: auth })
        const blob = await qr.blob()
        const head = Array.from(new Uint8Array(await blob.slice(0, 8).arrayBuffer()))
        const img = document.createElement('img')
        await new Promise((ok, fail) => { img.onload = ok; img.onerror = () => fail(new Error('the <img> did not load')); img.src = URL.createObjectURL(blob) })
        return { status: qr.status, type: qr.headers.get('content-type'), head, bytes: blob.size, width: img.naturalWidth }`,
        PASSWORD,
        code,
      )
      expectEqual([r.status, r.type], [200, 'image/png'], 'the QR route answers a PNG')
      expectEqual(r.head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the PNG signature arrives byte for byte')
      if (!(r.width > 0)) throw new Error(`the image decoded to width ${r.width}`)
      console.log(`     QR PNG: ${r.bytes} bytes, ${r.width} px wide`)
    })
    await check('a file uploads by path through the upload manager, and the uploads page shows it done', async () => {
      // 12 MiB that do not repeat, written by the test: the window gets only its path.
      const dir = await mkdtemp(resolve(tmpdir(), 'cinedesk-e2e-upload-'))
      const file = resolve(dir, 'e2e film.mp4')
      const bytes = randomBytes(12 * 1024 * 1024)
      await writeFile(file, bytes)
      const md5 = createHash('md5').update(bytes).digest('hex')
      const id = await inPage(
        sid,
        `${BASE}${INVOKE}
        const s = await (await fetch(base + '/cms/login', { method: 'POST', body: JSON.stringify({ alias: 'admin', password: a[0] }) })).json()
        localStorage.setItem('cinedesk.e2e.token', s.token)
        return await invoke('upload_start', { path: a[1], domain: 'MOVIE', token: s.token })`,
        PASSWORD,
        file,
      )
      await click(sid, await css(sid, '[data-test="menu-uploads"]'))
      await css(sid, '[data-test="upload-item"][data-state="done"]', 60000)
      const stored = await inPage(
        sid,
        `${BASE}
        const res = await fetch(base + '/cms/files/' + a[0] + '/info', { headers: { authorization: 'Bearer ' + localStorage.getItem('cinedesk.e2e.token') } })
        return { status: res.status, body: await res.json() }`,
        id,
      )
      console.log(`     upload ${id}: ${JSON.stringify(stored.body).slice(0, 160)}`)
      expectEqual([stored.status, stored.body.md5, stored.body.size], [200, md5, bytes.length], 'the stored file is the file on disk')
      await sleep(1000) // the progress bar's width transition
      console.log(`     screenshot: ${await screenshot(sid, 'desktop-uploads.png')}`)
      // Back where the next steps expect the window.
      await click(sid, await css(sid, '[data-test="menu-cinemas"]'))
      await css(sid, '[data-test="cinema-table"]')
    })
    await check('a file by path goes into the resource library (upload manager, then createResource), and the library page shows it', async () => {
      const dir = await mkdtemp(resolve(tmpdir(), 'cinedesk-e2e-library-'))
      const file = resolve(dir, 'desktop-notes.txt')
      const text = '影厅巡检记录 hall inspection notes\n'.repeat(2000)
      await writeFile(file, text)
      const r = await inPage(
        sid,
        `${BASE}${INVOKE}
        const token = localStorage.getItem('cinedesk.e2e.token')
        const auth = { authorization: 'Bearer ' + token }
        const disk = async (route, body) => {
          const res = await fetch(base + '/onlineDisk/' + route, { method: 'POST', headers: auth, body: JSON.stringify(body) })
          const j = await res.json()
          if (j.result !== '000000') throw new Error(route + ': ' + res.status + ' ' + JSON.stringify(j))
          return j.data
        }
        // As the library page does with a dropped path: the manager uploads it, then it is filed.
        const id = await invoke('upload_start', { path: a[0], domain: 'RESOURCE', token })
        let info = null
        for (let i = 0; i < 150 && !(info && info.size === a[1]); i++) {
          const res = await fetch(base + '/cms/files/' + id + '/info', { headers: auth })
          info = res.ok ? await res.json() : null
          if (!(info && info.size === a[1])) await new Promise((ok) => setTimeout(ok, 200))
        }
        if (!info) throw new Error('the upload did not finish')
        const { orgId } = await disk('querySpaces', {})
        const resId = (await disk('createResource', { ownerType: '2', orgId, parentId: '0', resForm: '1', fid: id, title: 'desktop-notes' })).resId
        return { resId, name: info.name, size: info.size }`,
        file,
        Buffer.byteLength(text),
      )
      expectEqual([r.name, r.size], ['desktop-notes.txt', Buffer.byteLength(text)], 'the library file is the file on disk')
      await click(sid, await css(sid, '[data-test="menu-library"]'))
      await css(sid, '[data-test="resource-card"][data-title="desktop-notes"]', 15000)
      await sleep(600)
      console.log(`     screenshot: ${await screenshot(sid, 'desktop-library.png')}`)
      await click(sid, await css(sid, '[data-test="menu-cinemas"]'))
      await css(sid, '[data-test="cinema-table"]')
    })
    await check('LAN serving turns on and off from the settings, on the same database', async () => {
      const port = await freePort()
      const on = await inPage(
        sid,
        `${INVOKE}
        const s = (await invoke('desktop_settings')).settings
        return await invoke('save_desktop_settings', { settings: { ...s, lan: { enabled: true, port: a[0] } } })`,
        port,
      )
      expectEqual(on.lanListening, `0.0.0.0:${port}`, `the app listens on the LAN (lanError: ${on.lanError})`)
      const res = await fetch(`http://127.0.0.1:${port}/cms/login`, {
        method: 'POST',
        body: JSON.stringify({ alias: 'admin', password: PASSWORD }),
      })
      expectEqual(res.status, 200, 'a COMS-side client logs in over the LAN port with the desktop’s administrator')
      const { token } = await res.json()
      const page = await (await fetch(`http://127.0.0.1:${port}/cms/cinemas?cinema_code=${code}`, {
        headers: { authorization: `Bearer ${token}` },
      })).json()
      expectEqual(page.totalCount, 1, 'the LAN sees the cinema made in the window')
      const off = await inPage(
        sid,
        `${INVOKE}
        const s = (await invoke('desktop_settings')).settings
        return await invoke('save_desktop_settings', { settings: { ...s, lan: { enabled: false, port: a[0] } } })`,
        port,
      )
      expectEqual(off.lanListening, null, 'LAN serving is off')
      const after = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        () => 'answered',
        () => 'refused',
      )
      expectEqual(after, 'refused', 'nothing listens on the port once turned off')
    })
    await check('invalid settings are refused with the field named, and nothing changes', async () => {
      const r = await inPage(
        sid,
        `${INVOKE}
        const before = await invoke('desktop_settings')
        let err = null
        try { await invoke('save_desktop_settings', { settings: { ...before.settings, mode: 'remote', serverUrl: 'ftp://x' } }) }
        catch (e) { err = e }
        return { err, after: (await invoke('desktop_settings')).settings, before: before.settings }`,
      )
      expectEqual([r.err?.code, r.err?.field], ['invalid', 'serverUrl'], 'the error names the field')
      expectEqual(r.after, r.before, 'a refused save changes nothing')
    })
    if (process.env.DBUS_SESSION_BUS_ADDRESS) {
      await check('a second launch exits and focuses the window already open (single instance)', async () => {
        const second = spawn(APP, [], { stdio: ['ignore', 'ignore', 'pipe'] })
        let stderr = ''
        second.stderr.on('data', (d) => (stderr += d))
        const status = await new Promise((ok) => {
          const timer = setTimeout(() => {
            second.kill('SIGKILL')
            ok('still running after 20 s')
          }, 20000)
          second.on('exit', (c) => {
            clearTimeout(timer)
            ok(c)
          })
        })
        expectEqual(status, 0, `the second instance hands over and exits (stderr: ${stderr.slice(-500)})`)
        // The first instance is still there and says it was asked to come forward.
        await css(sid, '[data-test="cinema-table"]')
        const log = await readTodayLog()
        if (!log.includes('a second launch: focusing the open window')) throw new Error('the running app did not get the second launch')
      })
    } else {
      console.log('     (no D-Bus session bus: the single-instance check needs one; run.sh starts it with dbus-run-session)')
    }
    await check('the log goes to a daily file in the log dir', async () => {
      const log = await readTodayLog()
      if (!log.includes('opened database')) throw new Error(`the log file lacks the start-up lines:\n${log.slice(0, 500)}`)
    })
    await check('logging out and in again with the password, the list still shows the cinema', async () => {
      await click(sid, await css(sid, '[data-test="logout"]'))
      const alias = await css(sid, 'input[autocomplete="username"]')
      await type(sid, alias, 'admin')
      await type(sid, await css(sid, 'input[autocomplete="current-password"]'), PASSWORD)
      await click(sid, await css(sid, '[data-test="login-submit"]'))
      // A chosen logout starts again from the dashboard.
      await css(sid, '[data-test="menu-dashboard"].is-active')
      await click(sid, await css(sid, '[data-test="menu-cinemas"]'))
      await xpath(sid, `//*[@data-test="cinema-table"]//td[contains(., "${code}")]`)
    })
    await check('on the login page a remote server that does not answer is named, and the local database chosen again', async () => {
      await click(sid, await css(sid, '[data-test="logout"]'))
      const nobody = await freePort() // nothing listens there
      await click(sid, await css(sid, '[data-test="login-connection-edit"]'))
      await click(sid, await xpath(sid, '//*[@data-test="connection-mode"]//label[.//input[@value="remote"]]'))
      await type(sid, await css(sid, field('connection-server-url')), `http://127.0.0.1:${nobody}`)
      await click(sid, await css(sid, '[data-test="connection-save"]'))
      const alert = await textOf(sid, await css(sid, '[data-test="login-server-error"]'))
      if (!alert.includes(`127.0.0.1:${nobody}`)) throw new Error(`the login page should name the server that did not answer, got ${JSON.stringify(alert)}`)
      // (WebKitWebDriver's element text leaves out the ellipsized span; the DOM has it whole.)
      const where = await inPage(sid, `return document.querySelector('[data-test="login-connection"]').textContent`)
      if (!where.includes(`127.0.0.1:${nobody}`)) throw new Error(`the login page should say where it connects, got ${JSON.stringify(where)}`)
      await sleep(500)
      await screenshot(sid, 'desktop-login-remote.png')
      expectEqual(
        (await inPage(sid, `${INVOKE} return (await invoke('desktop_settings')).settings.mode`)),
        'remote',
        'the choice is saved in the desktop settings',
      )
      await click(sid, await css(sid, '[data-test="login-connection-edit"]'))
      await click(sid, await xpath(sid, '//*[@data-test="connection-mode"]//label[.//input[@value="embedded"]]'))
      await click(sid, await css(sid, '[data-test="connection-save"]'))
      await sleep(500) // the dialog closes and the page asks the local database again
      await type(sid, await css(sid, 'input[autocomplete="username"]'), 'admin')
      await type(sid, await css(sid, 'input[autocomplete="current-password"]'), PASSWORD)
      await click(sid, await css(sid, '[data-test="login-submit"]'))
      await css(sid, '[data-test="current-user"]')
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
