/**
 * What a session's device was, from the User-Agent it logged in with: "Chrome · Windows". An
 * empty one is the desktop app's own window or the command line (they send none).
 */

const BROWSERS: Array<[RegExp, string]> = [
  [/Edg(?:e|A|iOS)?\//, 'Edge'],
  [/OPR\//, 'Opera'],
  [/Firefox\//, 'Firefox'],
  [/(?:Chrome|Chromium|CriOS)\//, 'Chrome'],
  [/Version\/[\d.]+.*Safari\//, 'Safari'],
  [/curl\//, 'curl'],
]

const SYSTEMS: Array<[RegExp, string]> = [
  [/Windows/, 'Windows'],
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux|X11/, 'Linux'],
]

/** "Browser · System" as far as the agent says; null when it says nothing (no agent). */
export function deviceOf(userAgent: string): string | null {
  const ua = userAgent.trim()
  if (ua === '') return null
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1]
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1]
  const parts = [browser, system].filter(Boolean)
  // An agent none of these name (a script, another client): its first word is the best guess.
  return parts.length ? parts.join(' · ') : ua.split(/[\s/]/)[0] || ua
}
