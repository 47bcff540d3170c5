export default definePageConfig({ navigationBarTitleText: 'yima 商户助手' })
