import { defineConfig } from '@tarojs/cli'
import { taroBaseConfig } from '../../shared/taro/config-base'

// https://docs.taro.zone/docs/config
export default defineConfig<'webpack5'>(taroBaseConfig({
  projectName: 'yima-h5',
  h5: {
    publicPath: '/',
    staticDirectory: 'static',
    output: { filename: 'js/[name].[contenthash:8].js', chunkFilename: 'js/[name].[contenthash:8].js' },
    miniCssExtractPluginOption: { filename: 'css/[name].[contenthash:8].css', chunkFilename: 'css/[name].[contenthash:8].css' },
    postcss: {
      // Taro scales the root font with the screen (20 px at 375 wide, up to 40 px): the console is
      // also used on PCs, where that would double every size. Pinned, 1 design px = 1 CSS px.
      pxtransform: { enable: true, config: { minRootSize: 20, maxRootSize: 20 } },
    },
    // react-dom + the Taro runtime alone exceed webpack's 244 KiB hint; the e2e run has its own budget.
    webpackChain (chain) {
      chain.performance.hints(false)
      // Taro splits only the initial chunks, so every lazily loaded page would carry its own copy of
      // vantui, zod and the console components. Shared code of the pages goes to shared chunks.
      const split = chain.optimization.get('splitChunks') as Record<string, unknown> | false | undefined
      if (split !== false && split !== undefined) chain.optimization.splitChunks({ ...split, chunks: 'all', minSize: 20_000 })
    },
  },
}))
