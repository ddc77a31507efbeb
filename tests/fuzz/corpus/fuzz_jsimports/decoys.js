// import a from './a.js'
/* export * from './b.js' */ const s = 'import("./c.js")'; a / b / c; import d from './d.js'
