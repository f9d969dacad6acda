// The real tus-js-client against a real Cinedesk server: an upload paused after two chunks and
// resumed from its URL in a new Upload (as a page reload would), and one terminated. Run by the
// server's Rust test `tus_js_client_uploads_pauses_resumes_and_terminates`, which checks the
// stored bytes; prints what happened as one line of JSON.
//   TUS_ENDPOINT=http://127.0.0.1:PORT/files/ TUS_TOKEN=… TUS_FILE=path node tests/tus/upload.mjs
import fs from 'node:fs'
import * as tus from 'tus-js-client'

const endpoint = process.env.TUS_ENDPOINT
const token = process.env.TUS_TOKEN
const file = process.env.TUS_FILE
if (!endpoint || !token || !file) {
  console.error('set TUS_ENDPOINT, TUS_TOKEN and TUS_FILE')
  process.exit(2)
}
const chunkSize = 256 * 1024
const common = {
  chunkSize,
  headers: { Authorization: `Bearer ${token}` },
  retryDelays: [],
}

/** Starts an upload of the file; resolves with the upload when `until(upload, chunks)` says stop, or on success. */
function run(options, until = () => false) {
  return new Promise((resolve, reject) => {
    let chunks = 0
    let lowest = Infinity
    const upload = new tus.Upload(fs.createReadStream(file), {
      ...common,
      ...options,
      onProgress: (sent) => {
        lowest = Math.min(lowest, sent)
      },
      onChunkComplete: () => {
        chunks += 1
        if (until(upload, chunks)) {
          upload.abort(options.terminate === true).then(() => resolve({ upload, chunks, lowest, done: false }), reject)
        }
      },
      onSuccess: () => resolve({ upload, chunks, lowest, done: true }),
      onError: reject,
    })
    upload.start()
  })
}

const metadata = { filename: 'tus 片段.bin', filetype: 'application/octet-stream', domain: 'MOVIE' }
const first = await run({ endpoint, metadata }, (_, chunks) => chunks === 2)
if (first.done) throw new Error('the first run was to pause after two chunks')
const url = first.upload.url

// A new Upload that only knows the URL: it asks the server (HEAD) where to go on.
const second = await run({ uploadUrl: url })
if (!second.done) throw new Error('the resumed upload did not finish')

const third = await run({ endpoint, metadata: { filename: 'doomed.bin' }, terminate: true }, (_, chunks) => chunks === 1)

console.log(JSON.stringify({ url, resumedFrom: second.lowest, terminatedUrl: third.upload.url, size: fs.statSync(file).size }))
