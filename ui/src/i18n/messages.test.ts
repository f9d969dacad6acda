import { describe, expect, it } from 'vitest'
import zhCN from './zh-CN'
import en from './en'

type Tree = { [k: string]: string | Tree }

/** Every leaf as [dotted key, value]. */
function leaves(tree: Tree, prefix = ''): Array<[string, unknown]> {
  return Object.entries(tree).flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k
    return v !== null && typeof v === 'object' ? leaves(v as Tree, key) : [[key, v] as [string, unknown]]
  })
}

describe('message files', () => {
  const zh = leaves(zhCN as Tree)
  const eng = leaves(en as Tree)

  it('have exactly the same key set', () => {
    const zhKeys = zh.map(([k]) => k).sort()
    const enKeys = eng.map(([k]) => k).sort()
    expect(enKeys).toEqual(zhKeys)
    expect(zhKeys.length).toBeGreaterThan(0)
  })

  it.each([
    ['zh-CN', zh],
    ['en', eng],
  ] as const)('%s has only non-empty strings', (_name, entries) => {
    for (const [key, value] of entries) {
      expect(typeof value, key).toBe('string')
      expect((value as string).trim(), key).not.toBe('')
    }
  })

  it('use the same {placeholders} in both languages', () => {
    const names = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort()
    const enMap = new Map(eng)
    for (const [key, value] of zh) {
      expect(names(enMap.get(key) as string), key).toEqual(names(value as string))
    }
  })

  it('avoid characters vue-i18n treats as syntax (| for plurals, @ for links)', () => {
    for (const [key, value] of [...zh, ...eng]) {
      expect(value as string, key).not.toMatch(/[|@$]/)
    }
  })
})
