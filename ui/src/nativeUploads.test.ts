import { describe, expect, it } from 'vitest'
import type { NativeUpload } from '@/backend/tauri'
import type { UploadItem } from '@/uploadItem'
import { applyNative, nativeState, pickFilters, tokenOf } from './nativeUploads'

const event = (over: Partial<NativeUpload> = {}): NativeUpload => ({
  id: 'f1',
  name: 'film.mp4',
  path: '/home/u/film.mp4',
  domain: 'MOVIE',
  mode: 'embedded',
  done: 0,
  total: 100,
  speed: 0,
  eta: null,
  state: 'running',
  fileID: null,
  error: null,
  ...over,
})

describe('native uploads', () => {
  it('maps the manager states onto the queue states', () => {
    expect(nativeState('running'), 'running is shown as uploading').toBe('uploading')
    expect(nativeState('paused')).toBe('paused')
    expect(nativeState('done')).toBe('done')
    expect(nativeState('failed')).toBe('failed')
    expect(nativeState('cancelled')).toBe('cancelled')
  })

  it('adds an unknown upload, then updates it in place', () => {
    const items: UploadItem[] = []
    const first = applyNative(items, event({ done: 10, speed: 5, eta: 18 }), 1234)
    expect(first.changed, 'a new item is a change').toBe(true)
    expect(items).toHaveLength(1)
    expect(first.item).toMatchObject({ id: 'f1', protocol: 'desktop', path: '/home/u/film.mp4', sent: 10, size: 100, speed: 5, eta: 18, createdAt: 1234 })

    const progress = applyNative(items, event({ done: 50, speed: 8, eta: 6 }))
    expect(progress.changed, 'progress alone does not change the state').toBe(false)
    expect(items, 'the same item, not a second one').toHaveLength(1)
    expect(items[0]).toMatchObject({ sent: 50, speed: 8, eta: 6, state: 'uploading' })

    const done = applyNative(items, event({ done: 100, state: 'done', fileID: 'f1' }))
    expect(done.changed).toBe(true)
    expect(items[0]).toMatchObject({ state: 'done', fileID: 'f1', sent: 100 })
  })

  it('keeps the failure message and clears it when running again', () => {
    const items: UploadItem[] = []
    applyNative(items, event({ state: 'failed', error: { code: 'source_changed', info: 'film.mp4 changed' } }))
    expect(items[0]).toMatchObject({ state: 'failed', error: 'film.mp4 changed' })
    applyNative(items, event({ state: 'running' }))
    expect(items[0].error, 'a resumed upload has no old error').toBeUndefined()
  })

  it('strips the bearer scheme from the session header', () => {
    expect(tokenOf('Bearer abc.def')).toBe('abc.def')
    expect(tokenOf('abc')).toBe('abc')
  })

  it('offers video extensions for films and image ones for posters', () => {
    expect(pickFilters('film', 'Films')[0].extensions).toContain('mkv')
    expect(pickFilters('poster', 'Images')[0].extensions).toContain('png')
    expect(pickFilters('poster', 'Images')[0].extensions).not.toContain('mp4')
  })
})
