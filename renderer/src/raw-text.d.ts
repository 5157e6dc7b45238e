/** Vite's `?raw` import: the file's text, bundled into the page (the method notes ship with the app, offline). */
declare module '*.md?raw' {
  const text: string
  export default text
}
