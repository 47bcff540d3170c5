export default defineAppConfig({
  pages: ['pages/index/index'],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: 'yima 商户助手',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f7f8fa',
  },
})
