/** Commands to seats as the console offers them: which ones ask first, how their states look, when one is settled. */
import type { CommandAction, CommandState } from './backend/types'

/** Actions that interrupt whoever is in the seat (or switch it off): confirmed before sending. */
const DESTRUCTIVE: ReadonlySet<CommandAction> = new Set(['REBOOT', 'SHUTDOWN', 'STOP_PLAYBACK'])

export function isDestructive(action: CommandAction): boolean {
  return DESTRUCTIVE.has(action)
}

/** DONE and FAILED are the site's last word; PENDING and SENT may still change. */
export function isSettled(state: CommandState): boolean {
  return state === 'DONE' || state === 'FAILED'
}

export const COMMAND_STATE_TAG: Record<CommandState, 'info' | 'success' | 'primary' | 'warning' | 'danger'> = {
  PENDING: 'info',
  SENT: 'primary',
  DONE: 'success',
  FAILED: 'danger',
}
