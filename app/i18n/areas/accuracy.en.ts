// English messages of the accuracy pages (keys start with "accuracy."), spread into the English catalog.
export const accuracyEn = {
  "accuracy.title": "Model accuracy",
  "accuracy.fittedAt": "Model updated {date} from {customers} customers ({repeat} who ordered more than once).",
  "accuracy.noFit.heading": "No model yet",
  "accuracy.noFit.body":
    "Predictions are made once your orders are imported, and again every night. Import your orders from the sync page.",

  "accuracy.why.heading": "Which model, and why",
  "accuracy.why.chosen":
    "{model} was chosen for your store. We hid your last {days} days of orders, predicted them from the orders before, and repeated this with {tests} different end dates: {model} came closest to what your customers actually did.",
  "accuracy.why.fixed": "{model} was set for your store. It was tested on your own orders all the same: the figures below show how it did.",
  "accuracy.why.notRun":
    "Your order history is still too short to test the models on it, so {model}, the simplest, is used without a check of its accuracy.",
  "accuracy.why.detail": "In detail",

  "accuracy.insufficient.heading": "No predictions yet",
  "accuracy.insufficient.reason": "Why: {reason}",
  "accuracy.insufficient.tested": "The figures below show how {model}, the best of the models tested, did on your orders.",
  "accuracy.needs.repeat": {
    one: "What your store needs: about {count} more repeat customer (a customer who orders on a second day), or a longer history.",
    other: "What your store needs: about {count} more repeat customers (customers who order on a second day), or a longer history.",
  },
  "accuracy.needs.customers": {
    one: "What your store needs: at least {count} more customer with an order.",
    other: "What your store needs: at least {count} more customers with an order.",
  },
  "accuracy.needs.other": "What your store needs: {needs}.",
  "accuracy.needs.history": "What your store needs: a longer order history, with more customers who order again.",
  "accuracy.failed": "The last model update failed. Start it again from the sync page; the previous predictions stay until then.",

  "accuracy.baseline.heading": "Against a simple guess",
  "accuracy.baseline.better":
    "{model}'s predictions were {percent} closer to what each customer actually ordered than a simple guess: that every customer keeps ordering at their past pace.",
  "accuracy.baseline.worse":
    "{model} did not predict better than a simple guess (every customer keeps ordering at their past pace): its predictions were {percent} further off.",
  "accuracy.baseline.figures": "Typical error per customer: {model} {modelError} orders, simple guess {baselineError} orders.",

  "accuracy.coverage.heading": "Ranges around each prediction",
  "accuracy.coverage.body":
    "Every prediction comes with a range, from the 10th to the 90th percentile, that should hold the customer's actual orders 8 times in 10. In the tests, {observed} of customers ordered a number of times inside their range.",
  "accuracy.coverage.expected": "Orders come in whole numbers, so most ranges hold a little more than 80%: {expected} was expected.",

  "accuracy.tracking.heading": "Predicted and actual orders, week by week",
  "accuracy.tracking.caption":
    "The latest test: {model} learned from the orders up to {from}, then predicted the {days} days to {to} for the {customers} customers who had ordered by then.",
  "accuracy.tracking.totals": "In total: {predicted} orders predicted, {actual} placed (simple guess: {baseline}).",
  "accuracy.tracking.axisX": "Week starting",
  "accuracy.tracking.axisY": "Orders",
  "accuracy.tracking.chartLabel": "Line chart of predicted and actual orders per week in the latest test",
  "accuracy.series.predicted": "Predicted",
  "accuracy.series.actual": "Actual",
  "accuracy.series.baseline": "Simple guess",

  "accuracy.calibration.heading": "Predicted and observed chance of ordering again",
  "accuracy.calibration.caption":
    "Customers grouped by their predicted chance of ordering at least once in the test period, and in each group the share who did. When the model is right, the two match.",
  "accuracy.calibration.axisX": "Predicted chance of ordering",
  "accuracy.calibration.axisY": "Share of customers",
  "accuracy.calibration.chartLabel": "Bar chart of predicted and observed chance of ordering again, by group",
  "accuracy.calibration.customers": "Customers",
  "accuracy.calibration.predicted": "Predicted (average)",
  "accuracy.calibration.observed": "Ordered",
  "accuracy.calibration.range": "{from}–{to}",

  "accuracy.scores.heading": "Every model's scores in each test",
  "accuracy.scores.help":
    "Error: the typical difference between predicted and actual orders per customer (lower is better). Score: how likely the model found what actually happened (higher is better). In range: the share of customers whose orders fell inside their 80% range.",
  "accuracy.scores.period": "Test period",
  "accuracy.scores.model": "Model",
  "accuracy.scores.error": "Error",
  "accuracy.scores.score": "Score",
  "accuracy.scores.predicted": "Predicted orders",
  "accuracy.scores.actual": "Actual orders",
  "accuracy.scores.inRange": "In range",
  "accuracy.scores.baseline": "Simple guess (past pace)",
  "accuracy.scores.chosen": "Chosen",
  "accuracy.scores.failed": "Could not be fitted",
  "accuracy.scores.skipped": "Not tested: {reason}",
  "accuracy.scores.none": "No test could be run on this store's orders yet.",

  "accuracy.tableToggle": "Show the figures as a table",

  "accuracy.sync.fitted":
    "How good is the model: {model}'s predictions were {percent} closer than a simple guess, and {coverage} of customers ordered within their 80% range in tests.",
  "accuracy.sync.fittedWorse": "How good is the model: {model} is in use; its tests are on the model accuracy page.",
  "accuracy.sync.untested": "How good is the model: {model} is in use, not yet tested on your orders (the history is too short).",
  "accuracy.sync.insufficient": {
    one: "How good is the model: no predictions yet; about {count} more repeat customer is needed.",
    other: "How good is the model: no predictions yet; about {count} more repeat customers are needed.",
  },
  "accuracy.sync.insufficientOther": "How good is the model: no predictions yet, the data cannot support them.",
  "accuracy.sync.link": "See model accuracy",

  "accuracy.customer.ordersRange": "Likely {low} to {high} orders.",
  "accuracy.customer.rangeHelp":
    "Ranges run from the 10th to the 90th percentile: 8 times in 10, this customer's orders and value over the next 12 months should land inside.",
  "accuracy.customer.rangeLink": "How accurate is the model?",
} as const satisfies Record<string, string | { one: string; other: string }>;
