module.exports = { document: global.document, window: global.window, navigator: global.navigator, Current: {}, options: {} }
