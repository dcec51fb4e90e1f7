Attribute VB_Name = "xlreport"
#Const App = "Microsoft Excel" 'Adjust when using outside of Excel
' xlreport: the "Generate report" button and the Python UDFs of the annual
' government information disclosure report workbook.
'
' Source of truth: src/xlreport/workbook/vba/src/xlreport.bas in the xlreport package
' (ASCII only). The workbook's VBA project is rebuilt from it by
' `xlreport new --macros` and `python tools/build_templates.py`; edits made
' in the VBA editor are lost with the next build.
'
' RunPython, XLPy and CallUDF come from the "xlwings" module (xlwings'
' standalone VBA, BSD 3-clause) in this project. The UDF wrappers have the
' shape xlwings' "Import Functions" generates (xlwings/udfs.py,
' generate_vba_wrapper); tests/test_macros.py compares them with it.
'
' The UDF names must differ (ignoring case) from every defined name of the
' workbook: names and VBA procedures share one name table, and the workbook
' defines xlreport_status, xlreport_errors and xlreport_warnings (the native
' verdict on the checks sheet). So the verdict UDF is XLREPORT_VERDICT;
' workbooks made by xlreport 0.1.0 call XLREPORT_STATUS, which xlreport.excel
' still provides.
Option Explicit

Sub GenerateReport()
    RunPython "import xlreport.excel as x; x.generate_report()"
End Sub

Function XLREPORT_VERDICT(marker, cover, overview, table2, table3, table4, problems_other, last_year)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        XLREPORT_VERDICT = XLPy.CallUDF("xlreport.excel", "XLREPORT_VERDICT", Array(marker, cover, overview, table2, table3, table4, problems_other, last_year), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        XLREPORT_VERDICT = XLPy.CallUDF("xlreport.excel", "XLREPORT_VERDICT", Array(marker, cover, overview, table2, table3, table4, problems_other, last_year))
        Exit Function
    #End If
failed:
    XLREPORT_VERDICT = Err.Description
End Function

Function XLREPORT_CHECK(marker, cover, overview, table2, table3, table4, problems_other, last_year)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        XLREPORT_CHECK = XLPy.CallUDF("xlreport.excel", "XLREPORT_CHECK", Array(marker, cover, overview, table2, table3, table4, problems_other, last_year), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        XLREPORT_CHECK = XLPy.CallUDF("xlreport.excel", "XLREPORT_CHECK", Array(marker, cover, overview, table2, table3, table4, problems_other, last_year))
        Exit Function
    #End If
failed:
    XLREPORT_CHECK = Err.Description
End Function
