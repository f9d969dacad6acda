/**
 * The resource library's calls shared by its components: a space's folder tree loaded one
 * level at a time for Element Plus' lazy el-tree, and a resource's download.
 */
import type { LoadFunction } from 'element-plus'
import { useBackend, type ResourceProduct, type SpaceRef } from '@/backend'
import { ROOT_FOLDER } from '@/library'
import { notifyError } from './forms'
import { saveBlob } from './files'

/** A node of a folder tree: the folder's id and name. */
export interface FolderItem {
  id: string
  label: string
}

/**
 * The tree's `load`: the root node labelled `rootLabel()`, then each folder's children, leaving
 * out the folder `exclude()` (a folder cannot move under itself) and so its whole subtree.
 */
export function folderLoader(space: () => SpaceRef, rootLabel: () => string, exclude: () => string = () => ''): LoadFunction {
  return (node, resolve) => {
    if (node.level === 0) {
      resolve([{ id: ROOT_FOLDER, label: rootLabel() }])
      return
    }
    useBackend()
      .queryFolders(space(), (node.data as FolderItem).id)
      .then((list) => resolve(list.filter((f) => f.dirId !== exclude()).map((f) => ({ id: f.dirId, label: f.dirName }))))
      .catch((e: unknown) => {
        notifyError(e)
        resolve([])
      })
  }
}

/**
 * Downloads a resource, counted by the server: a stored file is fetched with the session
 * (downloadResource redirects to it) and saved under its name; a network resource opens its URL.
 */
export async function downloadResource(r: Pick<ResourceProduct, 'resId' | 'resForm' | 'url' | 'fileName' | 'title'>): Promise<void> {
  try {
    if (r.resForm !== '1' && r.url) {
      window.open(r.url, '_blank', 'noopener')
      return
    }
    saveBlob(await useBackend().downloadResource(r.resId), r.fileName || r.title)
  } catch (e) {
    notifyError(e)
  }
}
