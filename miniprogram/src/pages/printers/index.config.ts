export default definePageConfig({
  navigationBarTitleText: '云打印机和云喇叭',
})
