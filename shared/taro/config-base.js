// The Taro build settings both apps share (frontend.md §6). Plain CommonJS: Taro transpiles only
// files inside an app's own config/ folder.
const path = require('node:path')

const shared = path.resolve(__dirname, '..')

/**
 * vantui is designed at 750, yima's pages at 375 (the function form vantui documents). Taro also
 * inlines this function's source into the bundle for its runtime pxTransform, so it must not need
 * helpers once compiled: no `typeof` (it becomes _type_of) and no `?.`.
 */
function designWidth (input) {
  const file = input != null && input.file
  return file && file.replace(/\\+/g, '/').includes('@antmjs/vantui') ? 750 : 375
}

/** @type {import('./config-base').taroBaseConfig} */
exports.taroBaseConfig = ({ projectName, mini = {}, h5 = {}, ...rest }) => ({
  projectName,
  designWidth,
  deviceRatio: { 640: 2.34 / 2, 750: 1, 828: 1.81 / 2, 375: 2 / 1 },
  sourceRoot: 'src',
  outputRoot: `dist/${process.env.TARO_ENV}`,
  plugins: [],
  // '' = same origin (the server serves the H5 build and the API together).
  env: { TARO_APP_API_BASE: JSON.stringify(process.env.TARO_APP_API_BASE ?? '') },
  framework: 'react',
  compiler: 'webpack5',
  cache: { enable: true },
  logger: { quiet: true, stats: false },
  ...rest,
  mini: {
    ...mini,
    compile: { include: [shared] },
    // Pages import vantui components in different orders; the CSS is scoped per component, so order does not matter.
    miniCssExtractPluginOption: { ignoreOrder: true, ...mini.miniCssExtractPluginOption },
  },
  h5: {
    ...h5,
    compile: { include: [shared] },
    esnextModules: ['@antmjs/vantui'],
    miniCssExtractPluginOption: { ignoreOrder: true, ...h5.miniCssExtractPluginOption },
  },
})
