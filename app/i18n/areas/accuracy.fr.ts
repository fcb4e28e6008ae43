// Messages français des pages accuracy, repris dans le catalogue français (mêmes clés que accuracy.en.ts).
import type { accuracyEn } from "./accuracy.en";

export const accuracyFr: Record<keyof typeof accuracyEn, string | { one: string; other: string }> = {
  "accuracy.title": "Précision du modèle",
  "accuracy.fittedAt": "Modèle mis à jour le {date} à partir de {customers} clients ({repeat} ayant commandé plus d’une fois).",
  "accuracy.noFit.heading": "Pas encore de modèle",
  "accuracy.noFit.body":
    "Les prédictions sont faites une fois vos commandes importées, puis chaque nuit. Importez vos commandes depuis la page de synchronisation.",

  "accuracy.why.heading": "Quel modèle, et pourquoi",
  "accuracy.why.chosen":
    "{model} a été choisi pour votre boutique. Nous avons caché vos {days} derniers jours de commandes, les avons prédits à partir des commandes précédentes, et recommencé avec {tests} dates de fin différentes : {model} s’est le plus approché de ce que vos clients ont réellement fait.",
  "accuracy.why.fixed":
    "{model} a été imposé pour votre boutique. Il a tout de même été testé sur vos propres commandes : les chiffres ci-dessous montrent ses résultats.",
  "accuracy.why.notRun":
    "L’historique de vos commandes est encore trop court pour tester les modèles, donc {model}, le plus simple, est utilisé sans vérification de sa précision.",
  "accuracy.why.detail": "En détail",

  "accuracy.insufficient.heading": "Pas encore de prédictions",
  "accuracy.insufficient.reason": "Pourquoi : {reason}",
  "accuracy.insufficient.tested":
    "Les chiffres ci-dessous montrent les résultats de {model}, le meilleur des modèles testés sur vos commandes.",
  "accuracy.needs.repeat": {
    one: "Ce qu’il faut à votre boutique : environ {count} client fidèle de plus (un client qui commande un second jour), ou un historique plus long.",
    other:
      "Ce qu’il faut à votre boutique : environ {count} clients fidèles de plus (des clients qui commandent un second jour), ou un historique plus long.",
  },
  "accuracy.needs.customers": {
    one: "Ce qu’il faut à votre boutique : au moins {count} client de plus ayant commandé.",
    other: "Ce qu’il faut à votre boutique : au moins {count} clients de plus ayant commandé.",
  },
  "accuracy.needs.other": "Ce qu’il faut à votre boutique : {needs}.",
  "accuracy.needs.history": "Ce qu’il faut à votre boutique : un historique de commandes plus long, avec plus de clients qui reviennent.",
  "accuracy.failed":
    "La dernière mise à jour du modèle a échoué. Relancez-la depuis la page de synchronisation ; les prédictions précédentes restent en place d’ici là.",

  "accuracy.baseline.heading": "Face à une estimation simple",
  "accuracy.baseline.better":
    "Les prédictions de {model} ont été {percent} plus proches de ce que chaque client a réellement commandé qu’une estimation simple : chaque client continue de commander à son rythme passé.",
  "accuracy.baseline.worse":
    "{model} n’a pas mieux prédit qu’une estimation simple (chaque client continue de commander à son rythme passé) : ses prédictions étaient {percent} plus éloignées.",
  "accuracy.baseline.figures": "Erreur typique par client : {model} {modelError} commandes, estimation simple {baselineError} commandes.",

  "accuracy.coverage.heading": "Fourchettes autour de chaque prédiction",
  "accuracy.coverage.body":
    "Chaque prédiction est accompagnée d’une fourchette, du 10e au 90e centile, qui devrait contenir les commandes réelles du client 8 fois sur 10. Lors des tests, {observed} des clients ont commandé un nombre de fois compris dans leur fourchette.",
  "accuracy.coverage.expected":
    "Les commandes se comptent en nombres entiers, donc la plupart des fourchettes contiennent un peu plus de 80 % : {expected} était attendu.",

  "accuracy.tracking.heading": "Commandes prédites et réelles, semaine par semaine",
  "accuracy.tracking.caption":
    "Le dernier test : {model} a appris des commandes jusqu’au {from}, puis a prédit les {days} jours jusqu’au {to} pour les {customers} clients ayant déjà commandé.",
  "accuracy.tracking.totals": "Au total : {predicted} commandes prédites, {actual} passées (estimation simple : {baseline}).",
  "accuracy.tracking.axisX": "Semaine commençant le",
  "accuracy.tracking.axisY": "Commandes",
  "accuracy.tracking.chartLabel": "Graphique linéaire des commandes prédites et réelles par semaine lors du dernier test",
  "accuracy.series.predicted": "Prédites",
  "accuracy.series.actual": "Réelles",
  "accuracy.series.baseline": "Estimation simple",

  "accuracy.calibration.heading": "Probabilité prédite et observée de commander à nouveau",
  "accuracy.calibration.caption":
    "Clients regroupés selon leur probabilité prédite de commander au moins une fois pendant la période de test, et dans chaque groupe la part de ceux qui l’ont fait. Quand le modèle est juste, les deux concordent.",
  "accuracy.calibration.axisX": "Probabilité prédite de commander",
  "accuracy.calibration.axisY": "Part des clients",
  "accuracy.calibration.chartLabel": "Graphique en barres de la probabilité prédite et observée de commander à nouveau, par groupe",
  "accuracy.calibration.customers": "Clients",
  "accuracy.calibration.predicted": "Prédite (moyenne)",
  "accuracy.calibration.observed": "Ont commandé",
  "accuracy.calibration.range": "{from}–{to}",

  "accuracy.scores.heading": "Les résultats de chaque modèle à chaque test",
  "accuracy.scores.help":
    "Erreur : l’écart typique entre commandes prédites et réelles par client (plus bas est meilleur). Score : la vraisemblance que le modèle attribuait à ce qui s’est passé (plus haut est meilleur). Dans la fourchette : la part des clients dont les commandes sont tombées dans leur fourchette à 80 %.",
  "accuracy.scores.period": "Période de test",
  "accuracy.scores.model": "Modèle",
  "accuracy.scores.error": "Erreur",
  "accuracy.scores.score": "Score",
  "accuracy.scores.predicted": "Commandes prédites",
  "accuracy.scores.actual": "Commandes réelles",
  "accuracy.scores.inRange": "Dans la fourchette",
  "accuracy.scores.baseline": "Estimation simple (rythme passé)",
  "accuracy.scores.chosen": "Choisi",
  "accuracy.scores.failed": "Ajustement impossible",
  "accuracy.scores.skipped": "Non testé : {reason}",
  "accuracy.scores.none": "Aucun test n’a encore pu être fait sur les commandes de cette boutique.",

  "accuracy.tableToggle": "Afficher les chiffres sous forme de tableau",

  "accuracy.sync.fitted":
    "Qualité du modèle : les prédictions de {model} ont été {percent} plus proches qu’une estimation simple, et {coverage} des clients ont commandé dans leur fourchette à 80 % lors des tests.",
  "accuracy.sync.fittedWorse": "Qualité du modèle : {model} est utilisé ; ses tests sont sur la page de précision du modèle.",
  "accuracy.sync.untested": "Qualité du modèle : {model} est utilisé, pas encore testé sur vos commandes (historique trop court).",
  "accuracy.sync.insufficient": {
    one: "Qualité du modèle : pas encore de prédictions ; il faut environ {count} client fidèle de plus.",
    other: "Qualité du modèle : pas encore de prédictions ; il faut environ {count} clients fidèles de plus.",
  },
  "accuracy.sync.insufficientOther": "Qualité du modèle : pas encore de prédictions, les données ne le permettent pas.",
  "accuracy.sync.link": "Voir la précision du modèle",

  "accuracy.customer.ordersRange": "Probablement {low} à {high} commandes.",
  "accuracy.customer.rangeHelp":
    "Les fourchettes vont du 10e au 90e centile : 8 fois sur 10, les commandes et la valeur de ce client sur les 12 prochains mois devraient s’y trouver.",
  "accuracy.customer.rangeLink": "Quelle est la précision du modèle ?",
};
