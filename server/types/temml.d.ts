declare module 'temml' { const temml: { renderToString(tex: string, o?: Record<string, unknown>): string }; export default temml; }
