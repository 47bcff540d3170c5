import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import devConfig from './dev'
import prodConfig from './prod'

// https://docs.taro.zone/docs/config
export default defineConfig<'webpack5'>(async (merge) => {
  const shared = path.resolve(__dirname, '../../shared')
  const base: UserConfigExport<'webpack5'> = {
    projectName: 'yima-h5',
    // vantui is designed at 750, yima's pages at 375 (function form documented by vantui).
    // Taro also inlines this function's source into the bundle for the runtime pxTransform, so it
    // must not compile to helpers: no `typeof` (→ _type_of) and no `?.`.
    designWidth (input?: number | string | { file?: string }) {
      const file = input != null && (input as { file?: string }).file
      return file && file.replace(/\\+/g, '/').includes('@antmjs/vantui') ? 750 : 375
    },
    deviceRatio: { 640: 2.34 / 2, 750: 1, 828: 1.81 / 2, 375: 2 / 1 },
    sourceRoot: 'src',
    outputRoot: `dist/${process.env.TARO_ENV}`,
    plugins: [],
    // '' = same origin: the server serves this build and the API together.
    env: { TARO_APP_API_BASE: JSON.stringify(process.env.TARO_APP_API_BASE ?? '') },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: true },
    logger: { quiet: true, stats: false },
    mini: {
      compile: { include: [shared] },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      output: { filename: 'js/[name].[contenthash:8].js', chunkFilename: 'js/[name].[contenthash:8].js' },
      compile: { include: [shared] },
      esnextModules: ['@antmjs/vantui'],
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      // react-dom + the Taro runtime alone exceed webpack's 244 KiB hint; the e2e run has its own budget.
      webpackChain (chain) {
        chain.performance.hints(false)
      },
    },
  }
  return merge({}, base, process.env.NODE_ENV === 'development' ? devConfig : prodConfig)
})
