/**
 * For the tests of pages: a page mounted as the app mounts it (Pinia, i18n, Element Plus, the one
 * backend over `fetch`), with `fetch` answered by a fake server the test writes, which records
 * what the page asked for. Only for `*.test.ts` under jsdom.
 */
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import { vi, type Mock } from 'vitest'
import type { Component } from 'vue'
import { i18n } from '@/i18n'

/** A request the page sent: method, path, the query as a plain object (last value per key) and a JSON body. */
export interface Asked {
  method: string
  path: string
  query: Record<string, string>
  body?: unknown
}

/** What the fake server answers: a JSON body with a status (200 unless given). */
export interface Answer {
  status?: number
  body?: unknown
}

/** The fake server's record: what was asked, and how many answers the page has read so far. */
export interface FakeServer {
  asked: Asked[]
  answersRead: number
}

/**
 * Answers every `fetch` with `serve` (a promise lets a test decide when an answer arrives) and
 * records the requests. An answer counts as read once the page has its text: what the page does
 * with it then takes no more than promise hops (one `flushPromises`).
 */
export function fakeServer(serve: (asked: Asked) => Answer | Promise<Answer>): FakeServer {
  const server: FakeServer = { asked: [], answersRead: 0 }
  const fetch: Mock = vi.fn(async (input: string, init?: RequestInit) => {
    const url = new URL(input, 'http://cms.test')
    const request: Asked = { method: init?.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams) }
    if (typeof init?.body === 'string') request.body = JSON.parse(init.body)
    server.asked.push(request)
    const answer = await serve(request)
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body)
    const body = {
      text: async () => {
        server.answersRead++
        return text
      },
    }
    // What FetchTransport reads of a Response: the status, the content type and the body.
    return { status: answer.status ?? 200, headers: new Headers({ 'content-type': 'application/json' }), blob: async () => body }
  })
  vi.stubGlobal('fetch', fetch)
  return server
}

/** A page of `items` as a list route answers it for `start`/`limit`. */
export function pageOf<T>(items: T[], query: Record<string, string>): { totalCount: number; itemList: T[] } {
  const start = Number(query.start ?? 0)
  const limit = Number(query.limit ?? 20)
  return { totalCount: items.length, itemList: items.slice(start, start + limit) }
}

/** The queries of the requests made to `path`, in order. */
export function queriesTo(asked: Asked[], path: string): Array<Record<string, string>> {
  return asked.filter((a) => a.path === path).map((a) => a.query)
}

const mounted: Array<ReturnType<typeof mount>> = []

/** Mounts `view` in English with a fresh Pinia, as `main.ts` mounts the app. */
export function mountView(view: Component) {
  const pinia = createPinia()
  setActivePinia(pinia)
  i18n.global.locale.value = 'en'
  const wrapper = mount(view, { global: { plugins: [pinia, i18n, ElementPlus] }, attachTo: document.body })
  mounted.push(wrapper)
  return wrapper
}

/** Unmounts what {@link mountView} mounted and takes the fake server away (`afterEach(cleanUp)`). */
export function cleanUp(): void {
  for (const w of mounted.splice(0)) w.unmount()
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
}

/**
 * Waits until `condition` holds, letting the page take its turns (answers, re-renders) between
 * looks; fails naming `what` if it still does not hold after many turns (counted, not timed).
 */
export async function until(condition: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 200; turn++) {
    if (condition()) return
    await flushPromises()
  }
  throw new Error(`never happened: ${what}`)
}
