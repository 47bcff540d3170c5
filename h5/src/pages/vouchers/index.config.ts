export default definePageConfig({
  navigationBarTitleText: '领取代金券',
})
