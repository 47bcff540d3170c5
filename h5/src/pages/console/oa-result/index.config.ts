export default definePageConfig({
  navigationBarTitleText: '公众号授权结果',
})
