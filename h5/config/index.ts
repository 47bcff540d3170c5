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
    // react-dom + the Taro runtime alone exceed webpack's 244 KiB hint; the e2e run has its own budget.
    webpackChain (chain) {
      chain.performance.hints(false)
    },
  },
}))
