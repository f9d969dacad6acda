import { describe, expect, it } from 'vitest'
import type { LibrarySpace } from '@/backend'
import { defaultSpace, spaceKey, spaceRef, storedFileId, thumbnailFileId, titleOf, usagesFor } from './library'

const space = (ownerType: LibrarySpace['ownerType'], ownerId: string, writable = true): LibrarySpace => ({
  ownerType,
  ownerId,
  name: ownerId,
  writable,
})

describe('spaceRef', () => {
  it('names each kind of space with its own id field', () => {
    expect(spaceRef(space('0', 'u1'))).toEqual({ ownerType: '0', userId: 'u1' })
    expect(spaceRef(space('1', 'c1')), 'a cinema is the seed\'s group').toEqual({ ownerType: '1', groupId: 'c1' })
    expect(spaceRef(space('2', 'o1')), 'the chain is the seed\'s organisation').toEqual({ ownerType: '2', orgId: 'o1' })
  })
  it('keys a user and a cinema of the same id apart', () => {
    expect(spaceKey(space('0', 'x'))).not.toBe(spaceKey(space('1', 'x')))
  })
})

describe('defaultSpace', () => {
  it('opens the chain\'s space when it is writable', () => {
    expect(defaultSpace([space('0', 'u'), space('1', 'c'), space('2', 'o')])?.ownerId).toBe('o')
  })
  it('falls back to a writable space, then to any, then to none', () => {
    expect(defaultSpace([space('2', 'o', false), space('1', 'c')])?.ownerId, 'a cinema client reads the chain only').toBe('c')
    expect(defaultSpace([space('2', 'o', false)])?.ownerId).toBe('o')
    expect(defaultSpace([])).toBeNull()
  })
})

describe('titleOf', () => {
  it('drops the extension and any directories of a path', () => {
    expect(titleOf('lobby-poster.png')).toBe('lobby-poster')
    expect(titleOf('/home/a/影片 预告.final.mp4')).toBe('影片 预告.final')
    expect(titleOf('C:\\files\\notes.txt'), 'a Windows path from the desktop').toBe('notes')
  })
  it('keeps names that are nothing but an extension or have none', () => {
    expect(titleOf('.env')).toBe('.env')
    expect(titleOf('README')).toBe('README')
  })
})

describe('usagesFor', () => {
  it('offers what the server accepts for each kind', () => {
    expect(usagesFor(1, '1'), 'a picture').toEqual(['poster', 'icon'])
    expect(usagesFor(5, '1'), 'a GIF is an animation but still an image').toEqual(['poster', 'icon'])
    expect(usagesFor(3, '1'), 'a video').toEqual(['film'])
    expect(usagesFor(2, '1'), 'a document').toEqual([])
    expect(usagesFor(1, '2'), 'a network URL serves no film').toEqual([])
  })
})

describe('thumbnails', () => {
  it('reads the file id of a URL of this server', () => {
    expect(storedFileId('/cms/files/f1')).toBe('f1')
    expect(storedFileId('http://127.0.0.1:8080/cms/files/a%20b?x=1')).toBe('a b')
    expect(storedFileId('https://cdn.example.com/snap.jpg')).toBeNull()
    expect(storedFileId('')).toBeNull()
  })
  it('shows a picture itself and a video by its snapshot', () => {
    expect(thumbnailFileId({ resType: 1, resForm: '1', fid: 'f1', imageUrl: '' })).toBe('f1')
    expect(thumbnailFileId({ resType: 3, resForm: '1', fid: 'v1', imageUrl: '/cms/files/s1' })).toBe('s1')
    expect(thumbnailFileId({ resType: 2, resForm: '1', fid: 'd1', imageUrl: '' }), 'a document gets an icon').toBeNull()
  })
})
