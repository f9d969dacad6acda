/**
 * The UI language. In the desktop app it is also a desktop setting: the app menu follows it and
 * the next start opens in it, whichever way it was chosen (header switch or settings page). In a
 * browser it is kept in localStorage only.
 */
import { useDesktop } from '@/backend'
import { currentLocale, setLocale, type Locale } from '@/i18n'

/** Switches the UI, and in the desktop app saves the choice with the desktop settings. */
export async function chooseLanguage(locale: Locale): Promise<void> {
  setLocale(locale)
  const desktop = useDesktop()
  if (!desktop) return
  try {
    const { settings } = await desktop.settings()
    if (settings.language !== locale) await desktop.saveSettings({ ...settings, language: locale })
  } catch {
    // The page has switched; only the menu keeps its language until the next successful save.
  }
}

/** Desktop start: the language saved in the desktop settings wins over this webview's memory. */
export async function adoptDesktopLanguage(): Promise<void> {
  const desktop = useDesktop()
  if (!desktop) return
  try {
    const { settings } = await desktop.settings()
    if (settings.language !== currentLocale()) setLocale(settings.language)
  } catch {
    // Settings unreadable: keep the stored language; the settings page shows the error.
  }
}
