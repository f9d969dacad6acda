import { nextTick, reactive } from 'vue'
import type { FormItemRule } from 'element-plus'
import { ElMessage, ElMessageBox } from 'element-plus'
import { toApiError, type ApiError } from '@/backend'
import { i18n } from '@/i18n'
import { errorText } from '@/errors'
import type { Violation } from '@/validation'

/**
 * Turns a validator of ./validation.ts into an Element Plus form rule with a translated message.
 */
export function rule<T>(
  check: (value: T) => Violation | null,
  trigger: 'blur' | 'change' = 'blur',
  required = false,
): FormItemRule {
  return {
    trigger,
    // Only marks the field with an asterisk: with a validator, the check itself decides.
    required,
    validator: (_rule: unknown, value: T, callback: (error?: string | Error) => void) => {
      const violation = check(value)
      callback(violation ? new Error(i18n.global.t(violation.key, violation.params ?? {})) : undefined)
    },
  }
}

/**
 * Server-side errors shown on form fields: an error whose `field` names one of `fields` is put on
 * that field (bind `:error="fieldErrors.x"`); anything else lands in `general`.
 */
export function useServerErrors<K extends string>(fields: readonly K[]) {
  const fieldErrors = reactive<Record<string, string>>({}) as Record<K, string>
  const state = reactive({ general: '' })

  function clear(): void {
    for (const f of fields) fieldErrors[f] = ''
    state.general = ''
  }

  function clearField(f: K): void {
    fieldErrors[f] = ''
  }

  /** Matches the server's wire name to a form field: exactly, then ignoring case. */
  function fieldOf(name: string | undefined): K | null {
    if (!name) return null
    const exact = fields.find((f) => f === name)
    if (exact) return exact
    return fields.find((f) => f.toLowerCase() === name.toLowerCase()) ?? null
  }

  /** Shows the error where it belongs; returns the normalized error. */
  async function show(e: unknown): Promise<ApiError> {
    const err = toApiError(e)
    clear()
    await nextTick()
    const f = fieldOf(err.field)
    if (f) fieldErrors[f] = err.info
    else state.general = errorText(err)
    return err
  }

  clear()
  return { fieldErrors, state, clear, clearField, show }
}

/** A toast for a failed call, unless the failure ended the session (handled globally). */
export function notifyError(e: unknown): void {
  const err = toApiError(e)
  if (err.code === 'unauthorized') return
  ElMessage.error({ message: errorText(err), grouping: true })
}

/** Asks before something that cannot be undone; true if confirmed. */
export async function confirmDanger(message: string, title: string, confirmText: string): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, title, {
      type: 'warning',
      confirmButtonText: confirmText,
      cancelButtonText: i18n.global.t('common.cancel'),
      confirmButtonClass: 'el-button--danger',
      dangerouslyUseHTMLString: false,
    })
    return true
  } catch {
    return false
  }
}
