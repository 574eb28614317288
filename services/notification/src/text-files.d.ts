/** Templates are bundled as text by esbuild (custom.esbuild.loader in serverless.yml). */
declare module '*.txt' {
  const text: string;
  export default text;
}
declare module '*.html' {
  const text: string;
  export default text;
}
