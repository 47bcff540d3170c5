export default defineAppConfig({
  pages: ['pages/index/index'],
  window: {
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: 'yima',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f7f8fa',
  },
})
