import { describe, expect, it } from 'vitest'
import { deviceOf } from './sessionDevice'

describe('deviceOf', () => {
  it('names the browser and the system of common agents', () => {
    expect(deviceOf('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36')).toBe('Chrome · Windows')
    expect(deviceOf('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0')).toBe('Edge · Windows')
    expect(deviceOf('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15')).toBe('Safari · macOS')
    expect(deviceOf('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toBe('Firefox · Linux')
  })

  it('gives the first word of an agent it does not know, and nothing for no agent', () => {
    expect(deviceOf('cinedesk-coms/1.2')).toBe('cinedesk-coms')
    expect(deviceOf('')).toBeNull()
  })
})
