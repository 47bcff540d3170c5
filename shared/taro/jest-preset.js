// jest + jsdom for the Taro apps (frontend.md §8.2): Taro's runtime is replaced by the small
// mocks beside this file, and vantui is transformed from its ES sources without styles.
const path = require('node:path')

const mock = (name) => path.join(__dirname, 'mocks', name)

/** @param {string} rootDir the app's folder */
module.exports = (rootDir) => ({
  rootDir,
  testEnvironment: 'jsdom',
  testMatch: ['<rootDir>/test/**/*.test.{ts,tsx}'],
  transform: {
    '^.+\\.[jt]sx?$': ['babel-jest', {
      configFile: false,
      babelrc: false,
      presets: [
        ['@babel/preset-env', { targets: { node: 'current' } }],
        ['@babel/preset-react', { runtime: 'automatic' }],
        '@babel/preset-typescript',
      ],
      plugins: [['import', { libraryName: '@antmjs/vantui', libraryDirectory: 'es', style: false }, '@antmjs/vantui']],
    }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@antmjs|lodash-es)/)'],
  moduleNameMapper: {
    '^@tarojs/components$': mock('taro-components.js'),
    '^@tarojs/taro$': mock('taro.js'),
    '^@tarojs/runtime$': mock('taro-runtime.js'),
    '^@tarojs/react$': mock('taro-react.js'),
    '\\.(css|less|scss|sass)$': mock('style-stub.js'),
  },
})
