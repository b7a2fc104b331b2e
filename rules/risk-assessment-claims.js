/** Share the new-device and impossible-travel verdicts with the fraud dashboard. */
function (user, context, callback) {
  if (context.riskAssessment && context.riskAssessment.assessments) {
    var a = context.riskAssessment.assessments;
    context.accessToken['https://coop.example.com/risk'] = {
      overall: context.riskAssessment.confidence,
      newDevice: a.NewDevice && a.NewDevice.confidence,
      travel: a.ImpossibleTravel && a.ImpossibleTravel.confidence
    };
  }
  callback(null, user, context);
}
