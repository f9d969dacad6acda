/**
 * The resource library page's small rules, kept out of the components so they are tested alone:
 * how a space is named on the wire, what a dropped file's title is, what a resource can become
 * for a film, and which stored file shows as a resource's thumbnail.
 */
import type { LibrarySpace, MovieUsage, ResType, SpaceRef } from '@/backend'

/** The seed's root folder of every space. */
export const ROOT_FOLDER = '0'

/** The wire name of a space: `ownerType` with `userId`, `groupId` or `orgId`. */
export function spaceRef(space: Pick<LibrarySpace, 'ownerType' | 'ownerId'>): SpaceRef {
  switch (space.ownerType) {
    case '0':
      return { ownerType: '0', userId: space.ownerId }
    case '1':
      return { ownerType: '1', groupId: space.ownerId }
    default:
      return { ownerType: '2', orgId: space.ownerId }
  }
}

/** A space's key for a select (ownerType and id: a user and a cinema may share an id). */
export function spaceKey(space: Pick<LibrarySpace, 'ownerType' | 'ownerId'>): string {
  return `${space.ownerType}:${space.ownerId}`
}

/**
 * The space to open first: the chain's if the caller may write there (the shared library),
 * else the first writable one, else the first.
 */
export function defaultSpace(list: LibrarySpace[]): LibrarySpace | null {
  return list.find((s) => s.ownerType === '2' && s.writable) ?? list.find((s) => s.writable) ?? list[0] ?? null
}

/** A new resource's title: the file's name without its extension (the whole name if that leaves nothing). */
export function titleOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName
  const dot = base.lastIndexOf('.')
  const stem = dot > 0 ? base.slice(0, dot) : base
  return stem.trim() || base
}

/** What a resource of this kind can be for a film: pictures (and GIFs) a poster or icon, videos the film. */
export function usagesFor(resType: ResType, resForm: string): MovieUsage[] {
  if (resForm !== '1') return [] // only a stored file can serve a film
  if (resType === 1 || resType === 5) return ['poster', 'icon']
  if (resType === 3) return ['film']
  return []
}

/** The stored file id behind a URL of this server (`…/cms/files/{id}`), or null for anything else. */
export function storedFileId(url: string | null | undefined): string | null {
  const m = /(?:^|\/)cms\/files\/([^/?#]+)(?:[?#].*)?$/.exec(url ?? '')
  return m ? decodeURIComponent(m[1]) : null
}

/**
 * The stored file to show as a resource's thumbnail: a picture's own file, else the snapshot
 * processing made (`imageUrl`) when it is a file of this server; null for an icon instead.
 */
export function thumbnailFileId(r: { resType: ResType; resForm: string; fid?: string | null; imageUrl: string }): string | null {
  if (r.resForm === '1' && r.fid && (r.resType === 1 || r.resType === 5)) return r.fid
  return storedFileId(r.imageUrl)
}
