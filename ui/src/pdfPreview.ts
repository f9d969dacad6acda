/**
 * Renders a PDF's pages to images with pdf.js, so a print sheet can be previewed and printed the
 * same way in every webview (WebKitGTK and WKWebView have no inline PDF viewer) and in a browser.
 * pdf.js is loaded only when a preview is asked for.
 */

/** Each page of `pdf` as a PNG data URL, `widthPx` wide (times the screen's pixel ratio). */
export async function pdfPageImages(pdf: Blob, widthPx: number): Promise<string[]> {
  const [pdfjs, worker] = await Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')])
  pdfjs.GlobalWorkerOptions.workerSrc = worker.default
  const doc = await pdfjs.getDocument({ data: new Uint8Array(await pdf.arrayBuffer()) }).promise
  try {
    const out: string[] = []
    const ratio = Math.min(2, globalThis.devicePixelRatio || 1)
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n)
      const base = page.getViewport({ scale: 1 })
      const viewport = page.getViewport({ scale: (widthPx * ratio) / base.width })
      const canvas = document.createElement('canvas')
      canvas.width = Math.ceil(viewport.width)
      canvas.height = Math.ceil(viewport.height)
      await page.render({ canvas, viewport }).promise
      out.push(canvas.toDataURL('image/png'))
      page.cleanup()
    }
    return out
  } finally {
    void doc.destroy()
  }
}

/** Prints page images, one per sheet, through a hidden frame (the window itself stays as it is). */
export function printImages(images: string[], title: string): void {
  const frame = document.createElement('iframe')
  frame.style.cssText = 'position:fixed;right:0;bottom:0;width:0;height:0;border:0'
  document.body.appendChild(frame)
  const doc = frame.contentDocument
  if (!doc || !frame.contentWindow) {
    frame.remove()
    return
  }
  doc.title = title
  const style = doc.createElement('style')
  style.textContent =
    '@page{margin:0}html,body{margin:0}img{display:block;width:100%;height:auto;page-break-after:always;break-after:page}'
  doc.head.appendChild(style)
  let pending = images.length
  const go = () => {
    frame.contentWindow?.focus()
    frame.contentWindow?.print()
    setTimeout(() => frame.remove(), 1000)
  }
  for (const src of images) {
    const img = doc.createElement('img')
    img.onload = img.onerror = () => {
      if (--pending === 0) go()
    }
    img.src = src
    doc.body.appendChild(img)
  }
  if (images.length === 0) frame.remove()
}
