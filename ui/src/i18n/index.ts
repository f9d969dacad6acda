import { computed } from 'vue'
import { createI18n } from 'vue-i18n'
import zhCnEl from 'element-plus/es/locale/lang/zh-cn'
import enEl from 'element-plus/es/locale/lang/en'
import zhCN, { type MessageSchema } from './zh-CN'
import en from './en'

export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'zh-CN'
const STORAGE_KEY = 'cinedesk.locale'

function isLocale(x: unknown): x is Locale {
  return typeof x === 'string' && (LOCALES as readonly string[]).includes(x)
}

function storedLocale(): Locale {
  try {
    const s = localStorage.getItem(STORAGE_KEY)
    return isLocale(s) ? s : DEFAULT_LOCALE
  } catch {
    return DEFAULT_LOCALE
  }
}

export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: storedLocale(),
  fallbackLocale: DEFAULT_LOCALE,
  messages: { 'zh-CN': zhCN, en },
})

/** Element Plus's own strings (pagination, empty table, dialogs …) follow the chosen language. */
const elementLocales = { 'zh-CN': zhCnEl, en: enEl }
export const elementLocale = computed(() => elementLocales[i18n.global.locale.value])

function applyDocument(locale: Locale): void {
  document.documentElement.lang = locale
  document.title = `${i18n.global.t('app.name')} · ${i18n.global.t('app.subtitle')}`
}

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // storage unavailable: the choice lasts for this window only
  }
  applyDocument(locale)
}

export function currentLocale(): Locale {
  return i18n.global.locale.value
}

applyDocument(i18n.global.locale.value)
