/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.svg'
declare module '*.css'
declare module '*.scss'

declare namespace NodeJS {
  interface ProcessEnv {
    NODE_ENV: 'development' | 'production' | 'test'
    TARO_ENV: 'weapp' | 'h5'
    /** WeChat appid; overrides the one in project.config.json when set at build time. */
    TARO_APP_ID?: string
    /** Origin of the yima API, inlined at build time. Empty means same origin (H5 only). */
    TARO_APP_API_BASE?: string
  }
}
