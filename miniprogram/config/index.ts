import { defineConfig } from '@tarojs/cli'
import { taroBaseConfig } from '../../shared/taro/config-base'

// https://docs.taro.zone/docs/config
export default defineConfig<'webpack5'>(taroBaseConfig({
  projectName: 'yima-miniprogram',
  // The WeChat DevTools project file lives at the repo root; Taro copies it to dist/weapp with
  // miniprogramRoot './' and the appid from TARO_APP_ID if set.
  projectConfigName: '../project.config.json',
  // The H5 build is the staff pages inside the official account, served by the server at /mp/.
  h5: { publicPath: '/mp/' },
}))
