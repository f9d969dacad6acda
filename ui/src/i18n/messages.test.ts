import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
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

/** Every .vue and .ts file under src (tests excluded). */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return sources(p)
    return /\.(vue|ts)$/.test(name) && !name.endsWith('.test.ts') ? [p] : []
  })
}

describe('message keys used in the code', () => {
  const known = new Set(leaves(zhCN as Tree).map(([k]) => k))
  const src = join(__dirname, '..')

  it('all exist (a literal t("a.b") names a message of zh-CN.ts, hence of en.ts)', () => {
    const missing: string[] = []
    let used = 0
    for (const file of sources(src)) {
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/\bt\(\s*['"]([\w.-]+)['"]/g)) {
        used++
        if (!known.has(m[1])) missing.push(`${file.slice(src.length + 1)}: ${m[1]}`)
      }
    }
    expect(missing, 'keys used but not defined').toEqual([])
    expect(used, 'the scan found the t() calls').toBeGreaterThan(300)
  })

  it('exist for violations named in code ({ key: "validation.x" })', () => {
    const missing: string[] = []
    for (const file of sources(src)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/key: '(validation\.\w+)'/g)) {
        if (!known.has(m[1])) missing.push(m[1])
      }
    }
    expect(missing).toEqual([])
  })

  it('have a subtree for every built key (t(`seatStatus.${s}`))', () => {
    const missing: string[] = []
    for (const file of sources(src)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*`([\w.]+)\.\$\{/g)) {
        const prefix = `${m[1]}.`
        if (![...known].some((k) => k.startsWith(prefix))) missing.push(`${file.slice(src.length + 1)}: ${m[1]}`)
      }
    }
    expect(missing).toEqual([])
  })
})
