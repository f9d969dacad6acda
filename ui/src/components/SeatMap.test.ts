// @vitest-environment jsdom
import { mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { afterEach, describe, expect, it } from 'vitest'
import type { VrClient } from '@/backend'
import { i18n } from '@/i18n'
import SeatMap from './SeatMap.vue'

const seat = (n: number, extra: Partial<VrClient> = {}): VrClient => ({
  clientID: `s${n}`,
  cinemaID: 'c1',
  hallID: 'h1',
  seatNumber: `A${String(n).padStart(2, '0')}`,
  IPAddr: `10.0.0.${n}`,
  sceneNumber: `1000${n}`,
  qrToken: `token${n}`,
  status: 'IDLE',
  online: true,
  lastSeen: 1,
  ...extra,
})
const seats = [
  seat(1),
  seat(2, { online: false, lastSeen: null }),
  seat(3, { status: 'ERROR', fault: { errorCode: 'E_HMD', errorMessage: 'no headset', raisedAt: 5 } }),
  seat(4, { status: 'IDLE', fault: { errorCode: 'E_OLD', raisedAt: 1, clearedAt: 2 } }),
]

let wrapper: ReturnType<typeof mount> | null = null
function mountMap(props: Record<string, unknown>) {
  wrapper = mount(SeatMap, { props: { seats, ...props }, global: { plugins: [i18n, ElementPlus] } })
  return wrapper
}
const button = (w: ReturnType<typeof mount>, n: string) => w.findAll('button.seat').find((b) => b.text().startsWith(n))!

afterEach(() => wrapper?.unmount())

describe('SeatMap', () => {
  it('draws a seat not heard from lately as offline, and marks only an open fault with its code', () => {
    const w = mountMap({})
    expect(button(w, 'A02').classes()).toContain('offline')
    expect(button(w, 'A01').classes()).not.toContain('offline')
    expect(button(w, 'A03').attributes('data-fault')).toBe('E_HMD')
    expect(button(w, 'A03').find('.fault').exists()).toBe(true)
    expect(button(w, 'A04').attributes('data-fault')).toBeUndefined()
  })

  it('shows the clicked seat when not picking', async () => {
    const w = mountMap({})
    await button(w, 'A02').trigger('click')
    expect(w.emitted('select')?.[0]).toEqual([seats[1]])
    expect(w.emitted('update:picked')).toBeUndefined()
  })

  it('adds a clicked seat to the picked ones while picking, and takes it out on a second click', async () => {
    const w = mountMap({ picking: true, picked: ['s1'] })
    await button(w, 'A03').trigger('click')
    expect(w.emitted('update:picked')?.[0]).toEqual([['s1', 's3']])
    await w.setProps({ picked: ['s1', 's3'] })
    expect(button(w, 'A03').classes()).toContain('picked')
    await button(w, 'A01').trigger('click')
    expect(w.emitted('update:picked')?.[1]).toEqual([['s3']])
    expect(w.emitted('select')).toBeUndefined()
  })
})
