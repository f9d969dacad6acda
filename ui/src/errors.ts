import { NO_BACKEND, toApiError } from '@/backend'
import { i18n } from '@/i18n'

/** The text to show for a failed call: the server's `info`, or a translated fallback. */
export function errorText(e: unknown): string {
  const err = toApiError(e)
  if (err.code === NO_BACKEND) return i18n.global.t('errors.noBackend')
  return err.info || i18n.global.t('errors.generic')
}
